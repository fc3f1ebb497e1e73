using System.Text;

namespace EuCyberNet.Experts.Search;

/// <summary>
/// Free text from a query string made safe for <c>to_tsquery</c>: words of letters and digits,
/// lower-cased, each matched as a prefix (<c>forens</c> finds "forensics"). Nothing the user types
/// reaches the query parser as syntax.
/// </summary>
public static class TextQuery
{
    public const int MaxTerms = 10;

    public static IReadOnlyList<string> Terms(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return [];
        var terms = new List<string>();
        var word = new StringBuilder();
        foreach (var c in text.Normalize(NormalizationForm.FormC) + " ")
        {
            if (char.IsLetterOrDigit(c))
            {
                word.Append(char.ToLowerInvariant(c));
                continue;
            }
            if (word.Length >= 2 && !terms.Contains(word.ToString())) terms.Add(word.ToString());
            word.Clear();
            if (terms.Count == MaxTerms) break;
        }
        return terms;
    }

    /// <summary>The words, space-separated, for <c>to_tsvector</c> (stemmed, whole words); null when there are none.</summary>
    public static string? Words(string? text)
    {
        var terms = Terms(text);
        return terms.Count == 0 ? null : string.Join(' ', terms);
    }

    /// <summary>One prefix term for <c>to_tsquery</c>.</summary>
    public static string Prefix(string term) => term + ":*";

    /// <summary>Every term, as prefixes, all required (<c>a:* &amp; b:*</c>); null when there are none.</summary>
    public static string? AllOf(string? text)
    {
        var terms = Terms(text);
        return terms.Count == 0 ? null : string.Join(" & ", terms.Select(Prefix));
    }
}
