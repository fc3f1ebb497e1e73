using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace EuCyberNet.Training.Certificates;

/// <summary>
/// Certificate numbers: <c>EUCN-2027-7KQ4M-9XD2B-R</c> — the year of issue, ten random characters
/// of Crockford's base 32 (no I, L, O or U: nothing to misread) and a check character (Luhn mod 32),
/// so a mistyped number is recognised as such before it is looked up. Fifty random bits make
/// numbers unguessable in practice; a unique index on the enrolments guarantees no two are equal.
/// </summary>
public static class CertificateNumber
{
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    private const string Prefix = "EUCN";

    public static string Draw(DateOnly issuedOn)
    {
        Span<byte> random = stackalloc byte[10];
        RandomNumberGenerator.Fill(random);
        var body = new StringBuilder(10);
        foreach (var b in random) body.Append(Alphabet[b & 31]);
        return Format(issuedOn.Year, body.ToString());
    }

    /// <summary>The canonical form of <paramref name="text"/> (upper case, Crockford's look-alikes mapped) if it is a well-formed number.</summary>
    public static bool TryNormalise(string? text, out string number)
    {
        number = "";
        if (string.IsNullOrWhiteSpace(text) || text.Length > 40) return false;
        var parts = text.Trim().ToUpperInvariant().Split('-');
        if (parts is not [Prefix, var year, var first, var second, var check]
            || year.Length != 4 || !int.TryParse(year, NumberStyles.None, CultureInfo.InvariantCulture, out var issuedIn)
            || first.Length != 5 || second.Length != 5 || check.Length != 1) return false;

        var body = new StringBuilder(10);
        foreach (var c in first + second)
        {
            if (Canonical(c) is not { } canonical) return false;
            body.Append(canonical);
        }
        var candidate = Format(issuedIn, body.ToString());
        if (Canonical(check[0]) != candidate[^1]) return false;
        number = candidate;
        return true;
    }

    private static string Format(int year, string body) =>
        string.Create(CultureInfo.InvariantCulture, $"{Prefix}-{year:D4}-{body[..5]}-{body[5..]}-{CheckCharacter(year, body)}");

    /// <summary>Luhn mod 32 over the year's digits and the body, in Crockford's alphabet.</summary>
    private static char CheckCharacter(int year, string body)
    {
        var input = year.ToString("D4", CultureInfo.InvariantCulture) + body;
        var factor = 2;
        var sum = 0;
        for (var i = input.Length - 1; i >= 0; i--)
        {
            var addend = factor * Alphabet.IndexOf(input[i], StringComparison.Ordinal);
            factor = factor == 2 ? 1 : 2;
            sum += addend / 32 + addend % 32;
        }
        return Alphabet[(32 - sum % 32) % 32];
    }

    private static char? Canonical(char c) => c switch
    {
        'O' => '0',
        'I' or 'L' => '1',
        _ when Alphabet.Contains(c, StringComparison.Ordinal) => c,
        _ => null,
    };
}
