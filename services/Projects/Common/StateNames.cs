using System.Text.Json;

namespace EuCyberNet.Projects.Common;

/// <summary>States as they travel on the wire: the kebab-case slug of the enum member (<c>not-selected</c>).</summary>
public static class StateNames
{
    public static string Slug<TEnum>(this TEnum value) where TEnum : struct, Enum =>
        JsonNamingPolicy.KebabCaseLower.ConvertName(value.ToString());
}
