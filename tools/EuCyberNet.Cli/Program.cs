using EuCyberNet.Cli;

// Operator commands behind ./eucybernet (token, ...). Each command is one class in Commands/.
return args.FirstOrDefault() switch
{
    "token" => TokenCommand.Run(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("""
        usage: eucybernet-cli <command> [options]
          token --role <role> [--role <role>...] [--user <name>] [--expert <id>] [--partner <id>] [--hours <n>]
                prints a JWT the local system accepts (signed with .data/secrets/jwt-signing-key)
        """);
    return 2;
}
