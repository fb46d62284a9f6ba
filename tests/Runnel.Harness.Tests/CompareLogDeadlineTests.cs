using Runnel.Harness.CompareLog;

namespace Runnel.Harness.Tests;

/// <summary>compare-log's per-case deadline: a round that does not finish fails its case, and the run goes on.</summary>
public class CompareLogDeadlineTests
{
    [Fact]
    public async Task RunAsync_RoundsPastTheDeadline_FailEachCaseAndReportTheNext()
    {
        string data = Path.Combine(Path.GetTempPath(), "runnel-compare-log-deadline-" + Guid.NewGuid().ToString("N"));
        try
        {
            // Every round loads the engine for 2 s, so a 0.3 s deadline stops each one; both cases must be reported.
            var options = new CompareLogOptions
            {
                DataPath = data,
                Duration = TimeSpan.FromSeconds(2),
                Deadline = TimeSpan.FromSeconds(0.3),
                Cases = [CaseNames.CommitPerRecord, CaseNames.Acks64Writers],
                SkipFio = true,
            };
            var output = new StringWriter();

            CompareLogReport report = await new CompareLogRun(options, output).RunAsync();

            Assert.Equal([CaseNames.Acks64Writers, CaseNames.CommitPerRecord], report.Cases.Select(c => c.Name));
            Assert.All(report.Cases, c =>
            {
                Assert.Equal("FAIL", c.Verdict);
                Assert.Contains("runnel's round 1 did not finish within 0.3 s", c.Error, StringComparison.Ordinal);
            });
            Assert.Contains("FAILED: runnel's round 1", output.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            if (Directory.Exists(data))
            {
                Directory.Delete(data, recursive: true);
            }
        }
    }
}
