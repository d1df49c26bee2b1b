using System;
using System.Text.RegularExpressions;

namespace SparkJobGen.Submission;

/// <summary>
/// Reads spark-submit's log lines as they stream by and remembers what identifies the application and how it ended:
/// the YARN application id and its report's final status, the Kubernetes submission id (<c>namespace:driver-pod</c>) and
/// pod phase, the standalone driver or application id, and the local application id.
/// </summary>
/// <remarks>
/// The patterns follow the messages Spark's own clients log: YARN <c>Client</c> ("Submitted application …",
/// "Application report for … (state: …)", "final status: …"), Kubernetes <c>LoggingPodStatusWatcher</c>
/// ("Application status for … (phase: …)", "pod name:", "namespace:", "phase:") and <c>Client</c>
/// ("Deployed Spark application … and submission ID ns:pod into Kubernetes"), standalone <c>ClientEndpoint</c>
/// ("Driver successfully submitted as driver-…") and the REST client ("Submission successfully created as driver-…").
/// Not thread-safe: feed it lines in order from one stream at a time.
/// </remarks>
public sealed partial class SparkLogParser
{
    /// <summary>The cluster application id (<c>application_…</c>, <c>spark-…</c> on Kubernetes, <c>app-…</c>, <c>local-…</c>).</summary>
    public string? ApplicationId { get; private set; }

    /// <summary>The cluster-side submission handle: the Kubernetes <c>namespace:driver-pod</c> or the standalone <c>driver-…</c> id.</summary>
    public string? SubmissionId { get; private set; }

    /// <summary>The Kubernetes driver pod name.</summary>
    public string? DriverPod { get; private set; }

    /// <summary>The Kubernetes namespace of the driver pod.</summary>
    public string? Namespace { get; private set; }

    /// <summary>The last YARN application state seen (<c>ACCEPTED</c>, <c>RUNNING</c>, <c>FINISHED</c>, <c>FAILED</c>, <c>KILLED</c>).</summary>
    public string? YarnState { get; private set; }

    /// <summary>The last YARN final status seen (<c>UNDEFINED</c>, <c>SUCCEEDED</c>, <c>FAILED</c>, <c>KILLED</c>).</summary>
    public string? YarnFinalStatus { get; private set; }

    /// <summary>The last Kubernetes driver pod phase seen (<c>Pending</c>, <c>Running</c>, <c>Succeeded</c>, <c>Failed</c>).</summary>
    public string? PodPhase { get; private set; }

    /// <summary>The YARN tracking URL, if reported.</summary>
    public string? TrackingUrl { get; private set; }

    /// <summary>Reads one line.</summary>
    /// <param name="line">A line of spark-submit's output (either stream).</param>
    public void Observe(string line)
    {
        ArgumentNullException.ThrowIfNull(line);

        if (YarnApplication().Match(line) is { Success: true } yarn)
        {
            ApplicationId = yarn.Value;
            if (YarnReport().Match(line) is { Success: true } report)
            {
                YarnState = report.Groups["state"].Value;
            }
        }

        if (FinalStatus().Match(line) is { Success: true } final)
        {
            YarnFinalStatus = final.Groups["status"].Value;
        }

        if (TrackingUrlLine().Match(line) is { Success: true } tracking && tracking.Groups["url"].Value != "N/A")
        {
            TrackingUrl = tracking.Groups["url"].Value;
        }

        if (KubernetesDeployed().Match(line) is { Success: true } deployed)
        {
            ApplicationId = deployed.Groups["app"].Value;
            SetKubernetesSubmission(deployed.Groups["ns"].Value, deployed.Groups["pod"].Value);
        }
        else if (KubernetesStatus().Match(line) is { Success: true } status)
        {
            ApplicationId ??= status.Groups["app"].Value;
            PodPhase = status.Groups["phase"].Value;
        }
        else if (PodName().Match(line) is { Success: true } pod)
        {
            DriverPod = pod.Groups["pod"].Value;
            UpdateKubernetesSubmission();
        }
        else if (NamespaceLine().Match(line) is { Success: true } ns)
        {
            Namespace = ns.Groups["ns"].Value;
            UpdateKubernetesSubmission();
        }
        else if (PhaseLine().Match(line) is { Success: true } phase)
        {
            PodPhase = phase.Groups["phase"].Value;
        }

        if (StandaloneDriver().Match(line) is { Success: true } driver)
        {
            SubmissionId = driver.Groups["driver"].Value;
        }

        if (ApplicationId is null or { Length: 0 } && StandaloneOrLocalApp().Match(line) is { Success: true } app)
        {
            ApplicationId = app.Value;
        }
    }

    /// <summary>
    /// The final state implied by what was logged and the exit code: an explicit YARN final status or Kubernetes phase wins,
    /// otherwise exit code 0 means <see cref="SubmissionState.Succeeded"/> and anything else <see cref="SubmissionState.Failed"/>.
    /// </summary>
    /// <param name="exitCode">spark-submit's exit code.</param>
    public SubmissionState ResolveState(int exitCode)
    {
        switch (YarnFinalStatus)
        {
            case "SUCCEEDED":
                return exitCode == 0 ? SubmissionState.Succeeded : SubmissionState.Failed;
            case "FAILED":
                return SubmissionState.Failed;
            case "KILLED":
                return SubmissionState.Killed;
        }

        if (YarnState is "KILLED")
        {
            return SubmissionState.Killed;
        }

        if (YarnState is "FAILED")
        {
            return SubmissionState.Failed;
        }

        switch (PodPhase)
        {
            case "Succeeded":
                return exitCode == 0 ? SubmissionState.Succeeded : SubmissionState.Failed;
            case "Failed":
                return SubmissionState.Failed;
        }

        if (exitCode != 0)
        {
            return SubmissionState.Failed;
        }

        // Fire-and-forget cluster submissions (spark.yarn.submit.waitAppCompletion=false, waitAppCompletion=false on Kubernetes)
        // exit 0 while the application still runs.
        if (YarnState is "ACCEPTED" or "RUNNING" or "SUBMITTED" or "NEW" or "NEW_SAVING" || PodPhase is "Pending" or "Running")
        {
            return SubmissionState.Submitted;
        }

        return SubmissionState.Succeeded;
    }

    private void SetKubernetesSubmission(string ns, string pod)
    {
        Namespace = ns;
        DriverPod = pod;
        SubmissionId = ns + ":" + pod;
    }

    private void UpdateKubernetesSubmission()
    {
        if (Namespace is not null && DriverPod is not null)
        {
            SubmissionId = Namespace + ":" + DriverPod;
        }
    }

    [GeneratedRegex(@"\bapplication_\d+_\d+\b", RegexOptions.CultureInvariant)]
    private static partial Regex YarnApplication();

    [GeneratedRegex(@"Application report for application_\d+_\d+ \(state: (?<state>[A-Z_]+)\)", RegexOptions.CultureInvariant)]
    private static partial Regex YarnReport();

    [GeneratedRegex(@"^\s*final status: (?<status>[A-Z_]+)\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex FinalStatus();

    [GeneratedRegex(@"^\s*tracking URL: (?<url>\S+)\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex TrackingUrlLine();

    [GeneratedRegex(@"Deployed Spark application .* with application ID (?<app>\S+) and submission ID (?<ns>[^\s:]+):(?<pod>\S+) into Kubernetes", RegexOptions.CultureInvariant)]
    private static partial Regex KubernetesDeployed();

    [GeneratedRegex(@"Application status for (?<app>\S+) \(phase: (?<phase>[A-Za-z]+)\)", RegexOptions.CultureInvariant)]
    private static partial Regex KubernetesStatus();

    [GeneratedRegex(@"^\s*pod name: (?<pod>\S+)\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex PodName();

    [GeneratedRegex(@"^\s*namespace: (?<ns>\S+)\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex NamespaceLine();

    [GeneratedRegex(@"^\s*phase: (?<phase>[A-Za-z]+)\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex PhaseLine();

    [GeneratedRegex(@"(?:Driver successfully submitted as|Submission successfully created as) (?<driver>driver-\d+-\d+)", RegexOptions.CultureInvariant)]
    private static partial Regex StandaloneDriver();

    [GeneratedRegex(@"\b(?:app-\d{14}-\d{4,}|local-\d{10,})\b", RegexOptions.CultureInvariant)]
    private static partial Regex StandaloneOrLocalApp();
}
