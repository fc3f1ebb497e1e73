using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using EuCyberNet.Testing;

namespace EuCyberNet.Drills;

/// <summary>What a drill measured once the system settled. <see cref="Lost"/> must be 0.</summary>
public sealed class DrillFigures
{
    public required string Drill { get; init; }

    public string Fault { get; set; } = "";

    public TimeSpan Duration { get; set; }

    public int CommandsSent { get; set; }

    public int CommandsAccepted { get; set; }

    public int CommandsRejected { get; set; }

    public int CommandsUnanswered { get; set; }

    public int CommandsLost { get; set; }

    /// <summary>Refused commands (4xx) by command, status and problem code: the load's retries and any refusal nobody expected.</summary>
    public SortedDictionary<string, int> Refusals { get; } = new(StringComparer.Ordinal);

    /// <summary>The refusals as one line, "apply-to-request 409 expert-not-accepted ×12, …", or null when there were none.</summary>
    public string? RefusalSummary() => Refusals.Count == 0
        ? null
        : "refused: " + string.Join(", ", Refusals.OrderByDescending(r => r.Value).Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Key} ×{r.Value}")));

    public long Events { get; set; }

    public int Published { get; set; }

    /// <summary>Integration events the services' mappers derive from the events in their stores (<see cref="RelayWitness"/>): what the relays owe.</summary>
    public long RelayOwed { get; set; }

    /// <summary>Owed integration events the tap never saw (or saw as another type): events a relay passed over.</summary>
    public long RelayMissing { get; set; }

    /// <summary>Published integration events no event in their service's store accounts for: a relay that mapped differently than its mapper does now.</summary>
    public long RelayUnowned { get; set; }

    /// <summary>The first few of them, named (replaced at each measurement; kept as notes by the last).</summary>
    public List<string> RelayFindings { get; } = [];

    public long TapDeliveries { get; set; }

    public int Subscriptions { get; set; }

    /// <summary>Subscriptions ("service ← MessageType") the load published nothing to: what this drill did not exercise.</summary>
    public SortedSet<string> IdleSubscriptions { get; } = new(StringComparer.Ordinal);

    /// <summary>The idle subscriptions as one line (named, or only counted when <paramref name="named"/> is false), or null when every subscription had traffic.</summary>
    public string? IdleSummary(bool named = true) => IdleSubscriptions.Count == 0
        ? null
        : $"no traffic for {IdleSubscriptions.Count} of {Subscriptions} subscriptions" + (named ? $": {string.Join(", ", IdleSubscriptions)}" : "");

    public long ExpectedEffects { get; set; }

    public long Consumed { get; set; }

    public long EffectsMissing { get; set; }

    public long UnexpectedEffects { get; set; }

    public long DoubleEffects { get; set; }

    public long DuplicatesSuppressed { get; set; }

    public int PoisonInjected { get; set; }

    /// <summary>Poison copies expected in error queues (each subscriber of the type parks its own copy).</summary>
    public long PoisonExpected { get; set; }

    public long PoisonInErrorQueues { get; set; }

    public long UnexpectedInErrorQueues { get; set; }

    public Dictionary<string, long> ErrorQueues { get; } = new(StringComparer.Ordinal);

    public int PartnerSent { get; set; }

    public long PartnerAccepted { get; set; }

    /// <summary>Partner activity reports (under a project the partner reported) confirmed by the broker.</summary>
    public int PartnerActivitiesSent { get; set; }

    /// <summary>Of them, those stored on their project (a <c>ProjectActivityReported</c> event naming the partner event).</summary>
    public long PartnerActivitiesAccepted { get; set; }

    public int PartnerMalformed { get; set; }

    public long PartnerRejected { get; set; }

    public long PartnerDeadLettered { get; set; }

    public int ReadModelsChecked { get; set; }

    public int ReadModelMismatches { get; set; }

    public bool RelaysCaughtUp { get; set; }

    public List<string> Notes { get; } = [];

    /// <summary>Accepted commands without their events, events their relay never published, and messages without their effect (and not parked as poison).</summary>
    public long Lost => CommandsLost + RelayMissing + EffectsMissing + Math.Max(0, PartnerSent - PartnerAccepted)
        + Math.Max(0, PartnerActivitiesSent - PartnerActivitiesAccepted) + Math.Max(0, PartnerMalformed - PartnerRejected);

    /// <summary>Everything that must be zero (or equal) for the drill to pass.</summary>
    public IEnumerable<string> Problems()
    {
        if (CommandsLost > 0) yield return $"{CommandsLost} accepted commands have no events in the store";
        if (RelayMissing > 0) yield return $"{RelayMissing} integration events owed by the stores' events were never published";
        if (RelayUnowned > 0) yield return $"{RelayUnowned} published integration events no stored event accounts for";
        if (EffectsMissing > 0) yield return $"{EffectsMissing} deliveries owed to subscribers were never applied";
        if (UnexpectedEffects > 0) yield return $"{UnexpectedEffects} inbox entries for messages nobody published";
        if (DoubleEffects > 0) yield return $"{DoubleEffects} messages took effect in more than one transaction";
        if (PoisonInErrorQueues != PoisonExpected) yield return $"poison: {PoisonInErrorQueues} in error queues, expected {PoisonExpected}";
        if (UnexpectedInErrorQueues > 0) yield return $"{UnexpectedInErrorQueues} unexpected messages in error queues";
        if (PartnerAccepted < PartnerSent) yield return $"partner: {PartnerAccepted} of {PartnerSent} confirmed events accepted";
        if (PartnerActivitiesAccepted < PartnerActivitiesSent) yield return $"partner: {PartnerActivitiesAccepted} of {PartnerActivitiesSent} confirmed activities stored";
        if (PartnerRejected != PartnerMalformed) yield return $"partner: {PartnerRejected} rejected, {PartnerMalformed} malformed sent";
        if (PartnerDeadLettered > 0) yield return $"partner: {PartnerDeadLettered} dead-lettered";
        if (ReadModelMismatches > 0) yield return $"{ReadModelMismatches} read models differ from a rebuild";
        if (!RelaysCaughtUp) yield return "a relay did not catch up with its event store";
    }
}

/// <summary>
/// Settles and reconciles a drill: every accepted command's events are in the store; every
/// integration event the stores' events owe (mapped afresh by <see cref="RelayWitness"/>) was
/// published; every message the relays published took effect exactly once in every subscriber
/// (inbox entry, events in one transaction); duplicates suppressed counted from the inbox's
/// duplicate records; error queues hold the poison and nothing else; read models equal a fold of
/// their events.
/// </summary>
public sealed class Reconciler(DrillPlatform platform, Load load, PublishedTap tap)
{
    private static readonly HashSet<string> IntegrationExchanges =
        PublishedTap.IntegrationEventTypes.Select(PublishedTap.ExchangeOf).ToHashSet(StringComparer.Ordinal);

    /// <summary>MessageIds of poison the drill injected (published, but never meant to take effect).</summary>
    public HashSet<Guid> Poison { get; } = [];

    /// <summary>Error queue → poison messages expected in it.</summary>
    public Dictionary<string, long> ExpectedInErrorQueues { get; } = new(StringComparer.Ordinal);

    public int PartnerMalformed { get; set; }

    /// <summary>Waits until relays caught up, queues drained and nothing is missing (or the timeout passed), then measures.</summary>
    public async Task<DrillFigures> SettleAndReconcileAsync(DrillFigures figures)
    {
        var deadline = DateTime.UtcNow + platform.Settings.SettleTimeout;
        while (true)
        {
            var quiet = await QuietAsync();
            // The relays' account reads and maps every stored event: only worth it once all is quiet.
            await MeasureAsync(figures, witness: quiet);
            if (quiet && figures.Lost == 0 && figures.PoisonInErrorQueues >= figures.PoisonExpected) break;
            if (DateTime.UtcNow > deadline)
            {
                figures.Notes.Add($"not settled after {platform.Settings.SettleTimeout.TotalSeconds:0} s (shards behind: {string.Join(", ", await ShardsBehindAsync())})");
                break;
            }
            await Task.Delay(2000);
        }
        await Task.Delay(3000); // late duplicates, if any, would land now
        await MeasureAsync(figures, witness: true);
        figures.Notes.AddRange(figures.RelayFindings);
        await CheckReadModelsAsync(figures);
        if (platform.Services.Contains("coordination")) await CheckCoordinationRebuildAsync(figures);
        return figures;
    }

    /// <summary>Relays at their store's head, and every consumer queue (and the tap) empty with nothing unacknowledged.</summary>
    private async Task<bool> QuietAsync()
    {
        try
        {
            var queues = await platform.Servers.RabbitMq.ManagementAsync($"api/queues/{RabbitMqServer.VirtualHostPath(platform.VirtualHost)}");
            foreach (var queue in queues.EnumerateArray())
            {
                var name = queue.GetProperty("name").GetString()!;
                if (IsParking(name)) continue;
                if (queue.TryGetProperty("messages", out var messages) && messages.GetInt64() > 0) return false;
            }
            return await RelaysCaughtUpAsync();
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or Npgsql.NpgsqlException)
        {
            return false;
        }
    }

    private static bool IsParking(string queue) =>
        queue.EndsWith("_error", StringComparison.Ordinal) || queue.EndsWith("_skipped", StringComparison.Ordinal)
        || queue.EndsWith(".dead-letter", StringComparison.Ordinal);

    /// <summary>Daemon shards behind their store's head, as "service: shard at seq / head".</summary>
    public async Task<List<string>> ShardsBehindAsync()
    {
        var behind = new List<string>();
        foreach (var service in platform.Services)
        {
            behind.AddRange(await platform.QueryAsync(service,
                "select name || ' at ' || last_seq_id || ' of ' || (select coalesce(max(seq_id), 0) from mt_events) from mt_event_progression " +
                "where name not like 'HighWater%' and last_seq_id < (select coalesce(max(seq_id), 0) from mt_events)", r => $"{service}: {r.GetString(0)}"));
        }
        return behind;
    }

    /// <summary>Every async daemon shard (relays, async projections, subscriptions) of every service is at its store's head.</summary>
    private async Task<bool> RelaysCaughtUpAsync()
    {
        foreach (var service in platform.Services)
        {
            var behind = await platform.ScalarAsync(service,
                "select count(*) from mt_event_progression where name not like 'HighWater%' and last_seq_id < (select coalesce(max(seq_id), 0) from mt_events)");
            if (behind > 0) return false;
        }
        return true;
    }

    private async Task MeasureAsync(DrillFigures f, bool witness)
    {
        var outcomes = load.Outcomes.ToList();
        f.CommandsSent = outcomes.Count;
        f.CommandsAccepted = outcomes.Count(o => o.Accepted);
        f.CommandsRejected = outcomes.Count(o => o.Status is >= 400 and < 500);
        f.CommandsUnanswered = outcomes.Count(o => o.Status == 0 || o.Status >= 500);
        f.Refusals.Clear();
        foreach (var refused in outcomes.Where(o => o.Status is >= 400 and < 500).GroupBy(o => $"{o.Command} {o.Status} {o.ProblemCode ?? "(no code)"}"))
            f.Refusals[refused.Key] = refused.Count();

        // 1. Every accepted command's events are in its service's store.
        var lost = 0;
        f.Events = 0;
        foreach (var service in platform.Services)
        {
            var stored = (await platform.QueryAsync(service,
                    "select stream_id, version from mt_events where type <> 'tombstone'", r => (r.GetGuid(0), r.GetInt64(1))))
                .ToHashSet();
            var streams = stored.Select(s => s.Item1).ToHashSet();
            f.Events += stored.Count;
            foreach (var o in outcomes.Where(o => o.Accepted && o.Service == service && o.StreamId is not null))
            {
                var present = o.Version is { } v ? stored.Contains((o.StreamId!.Value, v)) : streams.Contains(o.StreamId!.Value);
                if (!present) lost++;
            }
        }
        f.CommandsLost = lost;

        // 2. What the relays published (the tap saw), minus the drill's own poison.
        var published = tap.Messages.Where(m => !Poison.Contains(m.MessageId)).ToList();
        f.Published = published.Count;
        f.TapDeliveries = tap.Deliveries;
        var byType = published.GroupBy(m => m.Type).ToDictionary(g => g.Key, g => g.Select(m => m.MessageId).ToHashSet(), StringComparer.Ordinal);
        if (witness) await RelaysOweAsync(f, published);

        // 3. Every subscriber applied each of them once.
        var subscriptions = await SubscriptionsAsync();
        f.Subscriptions = subscriptions.Count;
        f.IdleSubscriptions.Clear();
        foreach (var (service, type) in subscriptions.Where(s => !byType.ContainsKey(s.Type))) f.IdleSubscriptions.Add($"{service} ← {type}");
        long expected = 0, consumed = 0, missing = 0, unexpected = 0, doubles = 0, duplicates = 0;
        foreach (var service in platform.Services)
        {
            if (!await platform.TableExistsAsync(service, "mt_doc_inboxentry")) continue;
            var inbox = await platform.QueryAsync(service, "select id, data->>'messageType' from mt_doc_inboxentry",
                r => (Id: r.GetString(0), Type: r.GetString(1)));
            var entries = inbox.Select(e => (Inbox: e.Id[..e.Id.LastIndexOf('/')], e.Type, MessageId: Guid.ParseExact(e.Id[(e.Id.LastIndexOf('/') + 1)..], "N"))).ToList();
            foreach (var (_, type) in subscriptions.Where(s => s.Service == service))
            {
                var owed = byType.TryGetValue(type, out var ids) ? ids : [];
                var inboxes = entries.Where(e => e.Type == type).GroupBy(e => e.Inbox).ToList();
                expected += owed.Count * (long)Math.Max(1, inboxes.Count);
                if (inboxes.Count == 0)
                {
                    missing += owed.Count;
                    continue;
                }
                foreach (var inboxGroup in inboxes)
                {
                    var got = inboxGroup.Select(e => e.MessageId).ToHashSet();
                    consumed += got.Count(owed.Contains);
                    missing += owed.Count(id => !got.Contains(id));
                    unexpected += got.Count(id => !owed.Contains(id) && !Poison.Contains(id));
                }
            }
            var messageIds = entries.Select(e => e.MessageId.ToString()).ToHashSet(StringComparer.Ordinal);
            var spread = await platform.QueryAsync(service,
                "select causation_id from mt_events where type <> 'tombstone' and causation_id is not null " +
                "group by causation_id having count(distinct xmin::text) > 1", r => r.GetString(0));
            doubles += spread.Count(messageIds.Contains);
            if (await platform.TableExistsAsync(service, "mt_doc_duplicatedelivery"))
                duplicates += await platform.ScalarAsync(service, "select count(*) from mt_doc_duplicatedelivery");
        }
        if (Environment.GetEnvironmentVariable("DRILL_DEBUG") == "1")
        {
            Console.WriteLine($"    published types: {string.Join(", ", byType.Select(t => $"{t.Key}={t.Value.Count}"))}");
            Console.WriteLine($"    subscriptions: {string.Join(", ", subscriptions.Select(t => $"{t.Service}/{t.Type}"))}");
            foreach (var service in platform.Services.Where(s => s != "x"))
            {
                if (!await platform.TableExistsAsync(service, "mt_doc_inboxentry")) { Console.WriteLine($"    {service}: no inbox table"); continue; }
                var types = await platform.QueryAsync(service, "select data->>'messageType', count(*) from mt_doc_inboxentry group by 1", r => $"{(r.IsDBNull(0) ? "null" : r.GetString(0))}={r.GetInt64(1)}");
                Console.WriteLine($"    {service} inbox: {string.Join(", ", types)}");
            }
        }
        f.ExpectedEffects = expected;
        f.Consumed = consumed;
        f.EffectsMissing = missing;
        f.UnexpectedEffects = unexpected;
        f.DoubleEffects = doubles;
        f.DuplicatesSuppressed = duplicates;

        // 4. Error queues hold the poison and nothing else.
        await ErrorQueuesAsync(f);

        // 5. Partner intake: confirmed events accepted, malformed ones kept as rejected.
        if (load.Partner is { } partner)
        {
            f.PartnerSent = load.PartnerEventsSent;
            f.PartnerMalformed = PartnerMalformed;
            f.PartnerAccepted = await TotalAsync("projects", $"projects?source={partner.PartnerId}&pageSize=1");
            f.PartnerActivitiesSent = load.PartnerActivitiesSent;
            f.PartnerActivitiesAccepted = await platform.ScalarAsync("projects",
                "select count(distinct data->>'partnerEventId') from mt_events where type <> 'tombstone' and data ? 'activity' and data ? 'partnerEventId'");
            f.PartnerRejected = await TotalAsync("projects", $"partner-events/rejected?amqpUser={partner.User}&pageSize=1");
        }
        f.RelaysCaughtUp = await RelaysCaughtUpAsync();
    }

    /// <summary>
    /// What the relays owe against what the tap saw: every integration event the services' own
    /// mappers derive from their stores' events must have been published, with its MessageId and
    /// type; and every published one must be accounted for by a stored event of its service.
    /// </summary>
    private async Task RelaysOweAsync(DrillFigures f, IReadOnlyList<PublishedTap.Published> published)
    {
        var seen = published.ToDictionary(m => m.MessageId);
        f.RelayFindings.Clear();
        long owedCount = 0, missing = 0, unowned = 0;
        foreach (var service in platform.Services.Where(RelayWitness.Knows))
        {
            var owed = await RelayWitness.OwedAsync(service, platform.DatabaseOf(service));
            owedCount += owed.Count;
            foreach (var (id, type) in owed)
            {
                if (seen.TryGetValue(id, out var message) && message.Type == type) continue;
                missing++;
                if (missing <= 3) f.RelayFindings.Add($"{service} owes {type} {id:N}, which the tap {(message is null ? "never saw" : $"saw as {message.Type}")}");
            }
            foreach (var message in published.Where(m => m.SourceService == service && !owed.ContainsKey(m.MessageId)))
            {
                unowned++;
                if (unowned <= 3) f.RelayFindings.Add($"{service} published {message.Type} {message.MessageId:N}, which no stored event of it owes");
            }
        }
        f.RelayOwed = owedCount;
        f.RelayMissing = missing;
        f.RelayUnowned = unowned;
    }

    /// <summary>(service, message type) pairs: which services' queues are bound to which integration event exchanges.</summary>
    private async Task<List<(string Service, string Type)>> SubscriptionsAsync()
    {
        var bindings = await platform.Servers.RabbitMq.ManagementAsync($"api/bindings/{RabbitMqServer.VirtualHostPath(platform.VirtualHost)}");
        var result = new HashSet<(string, string)>();
        foreach (var binding in bindings.EnumerateArray())
        {
            var source = binding.GetProperty("source").GetString()!;
            var destination = binding.GetProperty("destination").GetString()!;
            if (!IntegrationExchanges.Contains(source) || destination == PublishedTap.QueueName) continue;
            var service = platform.Services.FirstOrDefault(s => destination.StartsWith(s + "-", StringComparison.Ordinal));
            if (service is not null) result.Add((service, source.Split(':')[^1]));
        }
        return [.. result];
    }

    private async Task ErrorQueuesAsync(DrillFigures f)
    {
        var queues = await platform.Servers.RabbitMq.ManagementAsync($"api/queues/{RabbitMqServer.VirtualHostPath(platform.VirtualHost)}");
        f.ErrorQueues.Clear();
        long poison = 0, unexpected = 0, deadLettered = 0;
        foreach (var name in queues.EnumerateArray().Select(q => q.GetProperty("name").GetString()!).Where(IsParking))
        {
            long count = await RabbitMqServer.MessageCountAsync(platform.VirtualHost, name);
            if (count == 0) continue;
            f.ErrorQueues[name] = count;
            var allowed = ExpectedInErrorQueues.GetValueOrDefault(name);
            poison += Math.Min(count, allowed);
            unexpected += Math.Max(0, count - allowed);
            if (name.EndsWith(".dead-letter", StringComparison.Ordinal)) deadLettered += count;
        }
        f.PoisonExpected = ExpectedInErrorQueues.Values.Sum();
        f.PoisonInErrorQueues = poison;
        f.UnexpectedInErrorQueues = unexpected;
        f.PartnerDeadLettered = deadLettered;
    }

    private async Task<long> TotalAsync(string service, string path)
    {
        using var http = Client(service);
        try
        {
            var page = await http.GetFromJsonAsyncSafe(path);
            return page?.GetProperty("total").GetInt64() ?? -1;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return -1;
        }
    }

    private HttpClient Client(string service)
    {
        var http = new HttpClient { BaseAddress = load.BaseOf(service), Timeout = TimeSpan.FromSeconds(15) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", load.TokenFor("coordinator", "drill-reconciler"));
        return http;
    }

    /// <summary>
    /// Every resource the load created, read from its read model (the inline snapshot) and folded
    /// afresh from its events (<c>?asOf=</c> a minute from now): the two must be equal.
    /// </summary>
    private async Task CheckReadModelsAsync(DrillFigures f)
    {
        var resources = load.Created.ToList();
        // Fold every event there is, as of a minute from now: not a far-off instant, because some
        // fields are read at the asOf instant (an application unacknowledged by 2999 is overdue).
        var foldAt = DateTime.UtcNow.AddMinutes(1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var mismatches = 0;
        var checkedCount = 0;
        foreach (var group in resources.GroupBy(r => r.Service))
        {
            using var http = Client(group.Key);
            foreach (var resource in group.Take(150))
            {
                try
                {
                    var stored = await http.GetStringAsync($"{resource.Path}/{resource.Id}");
                    var folded = await http.GetStringAsync($"{resource.Path}/{resource.Id}?asOf={foldAt}");
                    checkedCount++;
                    if (!JsonEquals(stored, folded))
                    {
                        mismatches++;
                        if (mismatches <= 3) f.Notes.Add($"read model of {resource.Path}/{resource.Id} differs from its events: {stored} vs {folded}");
                    }
                }
                catch (HttpRequestException e)
                {
                    mismatches++;
                    if (mismatches <= 3) f.Notes.Add($"{resource.Path}/{resource.Id}: {e.Message}");
                }
            }
        }
        f.ReadModelsChecked = checkedCount;
        f.ReadModelMismatches = mismatches;
    }

    /// <summary>Coordination's read views, and its read-model documents, as they are now.</summary>
    private async Task<Dictionary<string, string>> CoordinationViewsAsync()
    {
        var views = new Dictionary<string, string>(StringComparer.Ordinal);
        using var http = Client("coordination");
        foreach (var path in new[]
        {
            "coordination/overview", "coordination/activities?pageSize=100", "coordination/gaps",
            "coordination/overlaps?pageSize=100", "coordination/countries/MD", "coordination/countries/KE", "coordination/countries/UA",
        })
        {
            using var response = await http.GetAsync(path);
            views[path] = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
        }
        var tables = await platform.QueryAsync("coordination",
            "select table_name from information_schema.tables where table_schema = 'public' and table_name like 'mt_doc_coordination%'", r => r.GetString(0));
        foreach (var table in tables)
        {
            var rows = await platform.QueryAsync("coordination", $"select id::text || ' ' || data::text from {table} order by id", r => r.GetString(0));
            views[table] = string.Join('\n', rows);
        }
        return views;
    }

    /// <summary>Coordination's read models now, then rebuilt from its events (POST /coordination/admin/rebuild): equal, view by view.</summary>
    private async Task CheckCoordinationRebuildAsync(DrillFigures f)
    {
        var before = await CoordinationViewsAsync();
        var rebuilt = false;
        foreach (var replica in platform.ReplicasOf("coordination").Where(r => r.IsRunning))
        {
            using var http = new HttpClient { BaseAddress = replica.BaseAddress, Timeout = TimeSpan.FromMinutes(5) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", load.TokenFor("coordinator", "drill-reconciler"));
            using var response = await http.PostAsync("coordination/admin/rebuild", null);
            if (response.IsSuccessStatusCode)
            {
                rebuilt = true;
                break;
            }
        }
        if (!rebuilt)
        {
            f.ReadModelMismatches++;
            f.Notes.Add("Coordination's rebuild could not run");
            return;
        }
        // The rebuild returns once replayed; wait until the shard follows the head again.
        try
        {
            await Eventually.ReturnsAsync(RelaysCaughtUpAsync, done => done, TimeSpan.FromSeconds(60), "Coordination's projections after the rebuild");
        }
        catch (TimeoutException)
        {
            f.Notes.Add($"after the rebuild, shards behind: {string.Join(", ", await ShardsBehindAsync())}");
        }
        var after = await CoordinationViewsAsync();
        foreach (var (view, text) in before)
        {
            f.ReadModelsChecked++;
            var same = after.TryGetValue(view, out var again) && (text == again || (text.Length > 4 && again.Length > 4
                && text[..4] == again[..4] && text[4..].TrimStart().StartsWith('{') && JsonEquals(text[4..], again[4..])));
            if (same) continue;
            f.ReadModelMismatches++;
            f.Notes.Add($"Coordination's {view} differs after a rebuild: {Difference(text, again ?? "(missing)")}");
        }
    }

    /// <summary>Where two texts first part: some context before, and what each has from there.</summary>
    public static string Difference(string a, string b)
    {
        var at = 0;
        while (at < a.Length && at < b.Length && a[at] == b[at]) at++;
        var from = Math.Max(0, at - 120);
        string Piece(string s) => s.Substring(at, Math.Min(200, s.Length - at));
        return $"…{a[from..at]} ⟨before: {Piece(a)} | after: {Piece(b)}⟩";
    }

    /// <summary>
    /// Equal JSON, where instants count as equal when they differ only below the microsecond:
    /// PostgreSQL stores event timestamps in microseconds, while an inline snapshot is built from the
    /// in-memory event of the commit (100 ns ticks), so its timestamps may carry one more digit.
    /// </summary>
    public static bool JsonEquals(string a, string b)
    {
        using var x = JsonDocument.Parse(a);
        using var y = JsonDocument.Parse(b);
        return Same(x.RootElement, y.RootElement);
    }

    private static bool Same(JsonElement a, JsonElement b)
    {
        if (a.ValueKind != b.ValueKind) return false;
        switch (a.ValueKind)
        {
            case JsonValueKind.Object:
                var left = a.EnumerateObject().ToList();
                var right = b.EnumerateObject().ToList();
                return left.Count == right.Count && left.Zip(right).All(p => p.First.Name == p.Second.Name && Same(p.First.Value, p.Second.Value));
            case JsonValueKind.Array:
                return a.GetArrayLength() == b.GetArrayLength() && a.EnumerateArray().Zip(b.EnumerateArray()).All(p => Same(p.First, p.Second));
            case JsonValueKind.String:
                var (sa, sb) = (a.GetString()!, b.GetString()!);
                if (sa == sb) return true;
                return sa.Length > 19 && sb.Length > 19 && sa[..19] == sb[..19]
                    && DateTimeOffset.TryParse(sa, CultureInfo.InvariantCulture, DateTimeStyles.None, out var da)
                    && DateTimeOffset.TryParse(sb, CultureInfo.InvariantCulture, DateTimeStyles.None, out var db)
                    && Math.Abs((da - db).Ticks) < 10;
            default:
                return a.GetRawText() == b.GetRawText();
        }
    }
}

internal static class HttpExtensions
{
    public static async Task<JsonElement?> GetFromJsonAsyncSafe(this HttpClient http, string path)
    {
        using var response = await http.GetAsync(path);
        if (!response.IsSuccessStatusCode) return null;
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.Clone();
    }

    public static string Invariant(this long value) => value.ToString(CultureInfo.InvariantCulture);
}
