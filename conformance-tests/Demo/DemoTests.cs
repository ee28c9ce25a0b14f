using N2N.Node.Cli;

namespace N2N.ConformanceTests.Demo;

[TestClass]
public sealed class DemoTests
{
    [TestMethod]
    public async Task Demo_ThreeNodesOnLoopback_EveryStepSucceeds_Exit0()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await CliApp.RunAsync(["demo"], output, error);
        Assert.AreEqual(0, exit, output.ToString() + error);
        StringAssert.Contains(output.ToString(), "demo passed");
        Assert.IsFalse(output.ToString().Contains("[FAIL]", StringComparison.Ordinal));
    }
}
