using EuCyberNet.Experts.Pool;
using JasperFx.Events;
using Marten;
using Marten.Events.Aggregation;

namespace EuCyberNet.Experts.Search;

/// <summary>
/// The expert's inline snapshot (the <c>Create</c>/<c>Apply</c> methods live on <see cref="Expert"/>),
/// plus one side effect: the expert's row of <see cref="ExpertSearchTable"/>, derived from the new
/// snapshot and written in the same transaction as the events. Search and matching therefore read
/// their own writes, and erasure cannot leave a stale copy behind.
/// (Needs <c>Events.EnableSideEffectsOnInlineProjections</c>, set by the module.)
/// </summary>
public sealed partial class ExpertProjection : SingleStreamProjection<Expert, Guid>
{
    public override ValueTask RaiseSideEffects(IDocumentOperations operations, IEventSlice<Expert> slice)
    {
        if (slice.Snapshot is { } expert) ExpertSearchTable.Upsert(operations, expert);
        return ValueTask.CompletedTask;
    }
}
