namespace EuCyberNet.Experts.Pool;

// Domain events of the expert lifecycle: past-tense facts in the network's words. They hold
// personal data and never leave this service; ExpertsIntegrationEvents decides what others hear.

public sealed record ExpertApplied(string Name, string Email, string Citizenship, string Organisation, string Motivation);
