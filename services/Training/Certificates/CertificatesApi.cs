using EuCyberNet.Training.Common;
using EuCyberNet.ServiceDefaults.Security;
using EuCyberNet.ServiceDefaults.Http;
using EuCyberNet.Training.Enrolments;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EuCyberNet.Training.Certificates;

/// <summary>
/// What anyone holding a certificate number may learn: that the certificate is genuine, for which
/// course and session dates, and when it was issued. Not who holds it — no name, e-mail, country or
/// expert id: the verifier compares these facts with the certificate shown to them and checks the
/// holder's identity the usual way. So a number found or guessed discloses nothing about a person.
/// </summary>
public sealed record CertificateView(
    string Number,
    bool Valid,
    Guid CourseId,
    string CourseTitle,
    DateOnly SessionStartDate,
    DateOnly SessionEndDate,
    DateOnly? CompletedOn,
    DateOnly IssuedOn);

public static class CertificatesApi
{
    public static IEndpointRouteBuilder MapCertificatesApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/certificates/{number}", Verify).WithTags("Certificates")
            .WithSummary("Verify a certificate number: the course and dates it certifies, no personal data")
            .AllowAnonymousCallers("anyone may verify a certificate; no personal data in the answer");
        return app;
    }

    private static async Task<Results<Ok<CertificateView>, ProblemHttpResult>> Verify(string number, IQuerySession session, CancellationToken ct)
    {
        if (!CertificateNumber.TryNormalise(number, out var canonical))
            return Problems.BadRequest("This is not a certificate number (expected EUCN-YYYY-XXXXX-XXXXX-C with a valid check character).");

        var enrolment = await session.Query<Enrolment>().FirstOrDefaultAsync(e => e.CertificateNumber == canonical, ct);
        if (enrolment is null) return Problems.NotFound($"No certificate {canonical} was issued.");
        return TypedResults.Ok(new CertificateView(canonical, Valid: true, enrolment.CourseId, enrolment.CourseTitle,
            enrolment.SessionStartDate, enrolment.SessionEndDate, enrolment.CompletedOn, enrolment.CertificateIssuedOn!.Value));
    }
}
