using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ApiKeys.Api.Hosting;

/// <summary>Times as Qlik writes them: UTC with a Z and milliseconds, e.g. <c>2026-11-26T14:26:53.123Z</c>.</summary>
public sealed class UtcTimeConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.GetDateTimeOffset();

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
}
