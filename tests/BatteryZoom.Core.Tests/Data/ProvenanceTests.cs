using BatteryZoom.Core.Data;

namespace BatteryZoom.Core.Tests.Data;

public class ProvenanceTests
{
    [Fact]
    public void Append_IsImmutable_AndJsonRoundTrips()
    {
        var p0 = Provenance.Empty;
        var p1 = p0.Append("reconstruct.fbp", 1, [new("filter", "ram-lak"), new("pixel", "0.65 um")], "cpu: 2 threads", DateTimeOffset.UnixEpoch, 1.5);
        Assert.Empty(p0.Entries);
        Assert.Single(p1.Entries);
        var back = Provenance.FromJson(p1.ToJson());
        var e = Assert.Single(back.Entries);
        Assert.Equal("reconstruct.fbp", e.Step);
        Assert.Equal("0.65 um", e.Parameters["pixel"]);
        Assert.Equal(1.5, e.Seconds);
        Assert.StartsWith("BatteryZoom ", e.Software);
    }

    [Fact]
    public void EmptyJson_GivesEmpty() => Assert.Empty(Provenance.FromJson(null).Entries);
}
