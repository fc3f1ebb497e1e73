using OpenTelemetry.Trace;

namespace EuCyberNet.ServiceDefaults.Telemetry;

/// <summary>
/// Keeps every span that belongs to a story and drops the background chatter: root spans from
/// Npgsql and Marten are the async daemon polling for new events, hundreds a minute, and would
/// bury the traces operators look for. Child spans follow their parent's decision.
/// </summary>
internal sealed class BackgroundNoiseSampler : Sampler
{
    private static readonly SamplingResult Drop = new(SamplingDecision.Drop);
    private static readonly SamplingResult Keep = new(SamplingDecision.RecordAndSample);

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters)
    {
        if (samplingParameters.ParentContext.TraceId != default)
            return samplingParameters.ParentContext.TraceFlags.HasFlag(System.Diagnostics.ActivityTraceFlags.Recorded) ? Keep : Drop;

        var name = samplingParameters.Name;
        return name.StartsWith("postgresql", StringComparison.Ordinal)
               || name.StartsWith("CONNECT", StringComparison.Ordinal)
               || name.StartsWith("marten", StringComparison.Ordinal)
               || name.StartsWith("COMMIT", StringComparison.Ordinal)
               || name.StartsWith("ROLLBACK", StringComparison.Ordinal)
            ? Drop
            : Keep;
    }
}
