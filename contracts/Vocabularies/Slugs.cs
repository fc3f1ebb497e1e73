using System.Collections.Frozen;
using System.Reflection;
using System.Text.Json.Serialization;

namespace EuCyberNet.Contracts.Vocabularies;

/// <summary>
/// The kebab-case slugs under which every vocabulary travels on the wire (see api.md).
/// The slug is declared once, on the enum member, with <see cref="JsonStringEnumMemberNameAttribute"/>;
/// this class reads it back for query strings, validation messages and documentation.
/// </summary>
public static class Slug
{
    public static string Of<TEnum>(TEnum value) where TEnum : struct, Enum => SlugTable<TEnum>.ToSlug[value];

    public static bool TryParse<TEnum>(string? slug, out TEnum value) where TEnum : struct, Enum
    {
        if (slug is not null && SlugTable<TEnum>.FromSlug.TryGetValue(slug.Trim(), out value)) return true;
        value = default;
        return false;
    }

    public static IReadOnlyList<string> All<TEnum>() where TEnum : struct, Enum => SlugTable<TEnum>.All;

    private static class SlugTable<TEnum> where TEnum : struct, Enum
    {
        public static readonly FrozenDictionary<TEnum, string> ToSlug = typeof(TEnum)
            .GetFields(BindingFlags.Public | BindingFlags.Static)
            .ToFrozenDictionary(
                f => (TEnum)f.GetValue(null)!,
                f => f.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name
                     ?? throw new InvalidOperationException($"{typeof(TEnum).Name}.{f.Name} has no slug."));

        public static readonly FrozenDictionary<string, TEnum> FromSlug =
            ToSlug.ToFrozenDictionary(p => p.Value, p => p.Key, StringComparer.OrdinalIgnoreCase);

        public static readonly IReadOnlyList<string> All = [.. ToSlug.OrderBy(p => p.Key).Select(p => p.Value)];
    }
}
