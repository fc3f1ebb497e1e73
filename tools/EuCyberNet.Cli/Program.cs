using EuCyberNet.Cli;

// Operator commands behind ./eucybernet (token, partner, seed). Each command is one class in Commands/.
return args.FirstOrDefault() switch
{
    "token" => TokenCommand.Run(args[1..]),
    "partner" => await PartnerCommand.RunAsync(args[1..], Console.Out, Console.Error),
    "seed" => await SeedCommand.RunAsync(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("""
        usage: eucybernet-cli <command> [options]
          token --role <role> [--role <role>...] [--user <name>] [--expert <id>] [--partner <id>] [--hours <n>]
                prints a JWT the local system accepts (signed with .data/secrets/jwt-signing-key)
          partner add --name <name> [--amqp-user <user> | --no-amqp] [--json]
          partner revoke <partner-id> [--reason <text>] [--json]
                provisions a partner system: registry entry, API key, RabbitMQ user (see docs/partner-events.md)
          seed [--gateway http://127.0.0.1:5080] [--signing-key <base64> | --key-file <path>] [--experts 300] [--seed 2027] [--parallelism 8]
                loads the demo network through the public API (once: a seeded system is detected and left alone)
        """);
    return 2;
}
