using System.Collections.Concurrent;
using System.Net;
using SparkJobGen.Submission;
using SparkJobGen.Submission.Livy;

namespace SparkJobGen.Tests.Submission.Livy;

/// <summary>
/// Following a created Livy batch through what stands between the client and Livy (a gateway answering 5xx or its own page,
/// dropped connections), through Livy forgetting a finished batch, and through an output callback that throws. Against
/// <see cref="LivyContractServer"/> over real HTTP on 127.0.0.1; assertions are on request counts and outcomes.
/// </summary>
public sealed class LivyTransientFailureTests
{
    private static readonly string[] Lines = LivyTestJob.YarnClusterLog;

    private static readonly string[] States = ["starting", "running", "success"];

    private static SparkSubmission Submission() => LivyTestJob.YarnCluster();

    private static LivyOptions Options(LivyContractServer server, ConcurrentQueue<OutputLine>? lines = null) => new(server.BaseUri)
    {
        PollInitialDelay = TimeSpan.FromMilliseconds(5),
        PollMaxDelay = TimeSpan.FromMilliseconds(20),
        LogPageSize = 3,
        OnOutput = lines is null ? null : lines.Enqueue,
        // Ample, so that a hiccup is never the window running out on a loaded machine; the tests that exhaust it set their own.
        TransientErrorWindow = TimeSpan.FromMinutes(2),
        // Guards against following forever: the old client looped on a missing state.
        Timeout = TimeSpan.FromMinutes(3),
    };

    private static readonly string[] Endpoints = ["state", "log", "get"];

    [Theory]
    [InlineData("state", LivyFault.BadGateway)]
    [InlineData("state", LivyFault.ServiceUnavailable)]
    [InlineData("state", LivyFault.NotJson)]
    [InlineData("state", LivyFault.DropConnection)]
    [InlineData("log", LivyFault.GatewayTimeout)]
    [InlineData("log", LivyFault.NotJson)]
    [InlineData("log", LivyFault.DropConnection)]
    [InlineData("get", LivyFault.BadGateway)]
    [InlineData("get", LivyFault.NotJson)]
    [InlineData("get", LivyFault.DropConnection)]
    public async Task A_hiccup_of_a_follow_up_request_is_retried_and_the_batch_followed_to_its_end(string endpoint, LivyFault fault)
    {
        // The same batch without faults gives the request counts to compare with.
        using var clean = new LivyContractServer { LogLines = Lines, States = States };
        var cleanLines = new ConcurrentQueue<OutputLine>();
        var expected = await LivyBatchSubmitter.SubmitAsync(Submission(), Options(clean, cleanLines));

        // The second and third calls to the endpoint fail (the first of a kind can be the last, as for the final GET).
        var failing = endpoint == "get" ? new[] { 1, 2 } : [2, 3];
        using var server = new LivyContractServer
        {
            LogLines = Lines,
            States = States,
            Faults = (e, n) => e == endpoint && failing.Contains(n) ? fault : LivyFault.None,
        };
        var lines = new ConcurrentQueue<OutputLine>();

        var result = await LivyBatchSubmitter.SubmitAsync(Submission(), Options(server, lines));

        Assert.Empty(server.Violations);
        Assert.Equal(SubmissionState.Succeeded, expected.FinalState);
        Assert.Equal(SubmissionState.Succeeded, result.FinalState);
        Assert.Equal("application_1732419000000_0007", result.ApplicationId);
        Assert.Equal("0", result.SubmissionId);
        foreach (var other in Endpoints)
        {
            Assert.Equal(clean.Calls(other) + (other == endpoint ? 2 : 0), server.Calls(other));
        }

        Assert.Equal(1, server.Calls("create"));
        Assert.Equal(0, server.Calls("delete"));
        Assert.False(server.Deleted);
        // Each line once, in order, as without the faults.
        Assert.Equal(Lines, lines.Select(l => l.Text));
        Assert.Equal(cleanLines.Select(l => l.Text), lines.Select(l => l.Text));
    }

    [Fact]
    public async Task Failures_spread_over_the_run_each_start_the_window_again()
    {
        // Every other state poll fails. From the first failure to the last at least 40 ms pass (four gaps of a 5 ms retry delay
        // and a 5 ms poll delay), longer than the window; a success in between starts it again, so it never runs out.
        using var server = new LivyContractServer
        {
            LogLines = Lines,
            States = ["starting", "running", "running", "running", "running", "success"],
            Faults = (e, n) => e == "state" && n % 2 == 0 ? LivyFault.BadGateway : LivyFault.None,
        };

        var result = await LivyBatchSubmitter.SubmitAsync(Submission(), Options(server) with { TransientErrorWindow = TimeSpan.FromMilliseconds(25) });

        Assert.Equal(SubmissionState.Succeeded, result.FinalState);
        // Six states read, each after one failed poll but the first: 6 + 5.
        Assert.Equal(11, server.Calls("state"));
        Assert.False(server.Deleted);
    }

    [Fact]
    public async Task Failures_for_longer_than_the_window_name_the_batch_that_may_still_run_and_do_not_delete_it()
    {
        using var server = new LivyContractServer
        {
            LogLines = Lines,
            States = ["running"],
            Faults = (e, n) => e == "state" && n > 1 ? LivyFault.BadGateway : LivyFault.None,
        };
        var options = Options(server) with { TransientErrorWindow = TimeSpan.FromMilliseconds(150) };

        var exception = await Assert.ThrowsAsync<LivyException>(() => LivyBatchSubmitter.SubmitAsync(Submission(), options));

        Assert.Empty(server.Violations);
        Assert.Equal(0, exception.BatchId);
        Assert.Equal(HttpStatusCode.BadGateway, exception.StatusCode);
        Assert.Contains("batch 0", exception.Message);
        Assert.Contains("last known state is 'running'", exception.Message);
        // Read from spark-submit's output: the state answers carry no application id.
        Assert.Contains("application id is application_1732419000000_0007", exception.Message);
        Assert.Contains("may still be running", exception.Message);
        Assert.Contains($"GET {server.BaseUri}batches/0", exception.Message);
        Assert.Contains($"DELETE {server.BaseUri}batches/0", exception.Message);
        Assert.Contains("502", exception.Message);
        Assert.IsType<LivyException>(exception.InnerException);
        // Retried: the first poll succeeded, then at least two failed before the window ran out.
        Assert.True(server.Calls("state") >= 3, $"state polls: {server.Calls("state")}");
        Assert.Equal(0, server.Calls("delete"));
        Assert.False(server.Deleted);
    }

    [Fact]
    public async Task Failures_after_the_final_state_say_the_batch_finished()
    {
        var finished = false;
        using var server = new LivyContractServer
        {
            LogLines = Lines,
            States = States,
            Faults = (e, n) =>
            {
                finished |= e == "state" && n >= 3;
                return e == "log" && finished ? LivyFault.GatewayTimeout : LivyFault.None;
            },
        };
        var options = Options(server) with { TransientErrorWindow = TimeSpan.FromMilliseconds(150) };

        var exception = await Assert.ThrowsAsync<LivyException>(() => LivyBatchSubmitter.SubmitAsync(Submission(), options));

        Assert.Equal(0, exception.BatchId);
        Assert.Equal(HttpStatusCode.GatewayTimeout, exception.StatusCode);
        Assert.Contains("had finished ('success', application id application_1732419000000_0007)", exception.Message);
        Assert.DoesNotContain("may still be running", exception.Message);
        Assert.Equal(3, server.Calls("state"));
        Assert.Equal(0, server.Calls("get"));
        Assert.False(server.Deleted);
    }

    [Fact]
    public async Task A_client_error_while_the_batch_runs_is_not_retried()
    {
        // 4xx answers are not transient: a running batch Livy no longer knows fails at once.
        using var server = new LivyContractServer
        {
            LogLines = Lines,
            States = ["running"],
            Faults = (e, n) => e == "state" && n == 2 ? LivyFault.Forgotten : LivyFault.None,
        };

        var exception = await Assert.ThrowsAsync<LivyException>(() => LivyBatchSubmitter.SubmitAsync(Submission(), Options(server)));

        Assert.Equal(HttpStatusCode.NotFound, exception.StatusCode);
        Assert.Equal(2, server.Calls("state"));
        Assert.False(server.Deleted);
    }

    [Fact]
    public async Task The_create_request_is_never_retried()
    {
        // POST /batches is not idempotent: a 502 may hide a batch that was created, so a retry could run the job twice.
        using var server = new LivyContractServer { Faults = (e, n) => e == "create" ? LivyFault.BadGateway : LivyFault.None };

        var exception = await Assert.ThrowsAsync<LivyException>(() => LivyBatchSubmitter.SubmitAsync(Submission(), Options(server)));

        Assert.Equal(HttpStatusCode.BadGateway, exception.StatusCode);
        Assert.Null(exception.BatchId);
        Assert.Equal(1, server.Calls("create"));
        Assert.Single(server.Requests);
    }

    [Theory]
    [InlineData(LivyFault.NullState)]
    [InlineData(LivyFault.MissingState)]
    public async Task A_state_answer_without_a_state_is_a_protocol_error_that_ends_after_the_window(LivyFault fault)
    {
        // Livy's state endpoint always answers session.state.toString (server/src/main/scala/org/apache/livy/server/
        // SessionServlet.scala:90-94, apache/incubator-livy fc4202ea), so no state comes from something in between.
        using var server = new LivyContractServer
        {
            LogLines = Lines,
            States = ["starting", "running", "success"],
            Faults = (e, n) => e == "state" && n > 1 ? fault : LivyFault.None,
        };
        var options = Options(server) with { TransientErrorWindow = TimeSpan.FromMilliseconds(150) };

        var exception = await Assert.ThrowsAsync<LivyException>(() => LivyBatchSubmitter.SubmitAsync(Submission(), options));

        Assert.Equal(0, exception.BatchId);
        Assert.Null(exception.StatusCode);
        Assert.Contains("/state answered without a state", exception.Message);
        Assert.Contains("last known state is 'starting'", exception.Message);
        Assert.Contains("may still be running", exception.Message);
        Assert.True(server.Calls("state") >= 3, $"state polls: {server.Calls("state")}");
        Assert.False(server.Deleted);
    }

    [Fact]
    public async Task A_state_answer_without_a_state_once_is_retried()
    {
        using var server = new LivyContractServer
        {
            LogLines = Lines,
            States = States,
            Faults = (e, n) => e == "state" && n == 2 ? LivyFault.NullState : LivyFault.None,
        };

        var result = await LivyBatchSubmitter.SubmitAsync(Submission(), Options(server));

        Assert.Equal(SubmissionState.Succeeded, result.FinalState);
        Assert.Equal(4, server.Calls("state"));
        Assert.False(server.Deleted);
    }

    // Livy keeps a finished session only livy.server.session.state-retain.sec (LivyConf.scala:357, 600 s by default): its
    // garbage collector, run every 60 s (sessions/SessionManager.scala:232-240), deletes sessions whose FinishedSessionState is
    // older (SessionManager.scala:162-167 and :200-209), after which GET /batches/{id} and /log answer 404 "Session 'id' not
    // found." (server/SessionServlet.scala:84-88, :96 and :235-236; apache/incubator-livy fc4202ea). A batch that finished
    // between two polls can thus be gone by the final GET.
    [Theory]
    [InlineData("success", SubmissionState.Succeeded, 0)]
    [InlineData("dead", SubmissionState.Failed, 1)]
    [InlineData("killed", SubmissionState.Killed, 1)]
    public async Task A_finished_batch_Livy_has_forgotten_ends_with_what_was_read(string last, SubmissionState expected, int exitCode)
    {
        using var server = new LivyContractServer { LogLines = Lines, States = ["starting", "running", last], ForgetFinished = true };
        var lines = new ConcurrentQueue<OutputLine>();

        var result = await LivyBatchSubmitter.SubmitAsync(Submission(), Options(server, lines));

        Assert.Empty(server.Violations);
        Assert.Equal(expected, result.FinalState);
        Assert.Equal(exitCode, result.ExitCode);
        Assert.Equal("0", result.SubmissionId);
        // Not in any Livy answer read (POST answers before the application exists): from spark-submit's output.
        Assert.Equal("application_1732419000000_0007", result.ApplicationId);
        Assert.Equal(Lines, lines.Select(l => l.Text));
        // The 404 is not retried: the log read after the final state is the last request, and no final GET follows it.
        Assert.Equal(3, server.Calls("state"));
        Assert.Equal(0, server.Calls("get"));
        Assert.Equal(0, server.Calls("delete"));
        Assert.Equal("log", server.Requests[^1].Path.Split('/')[^1]);
        Assert.Equal("state", server.Requests[^2].Path.Split('/')[^1]);
    }

    [Fact]
    public async Task A_finished_batch_forgotten_just_before_the_final_get_ends_with_what_was_read()
    {
        // The log read after the last state still answered; only GET /batches/{id} comes too late and answers 404.
        using var gone = new LivyContractServer { LogLines = Lines, States = States, Faults = (e, n) => e == "get" ? LivyFault.Forgotten : LivyFault.None };
        var result = await LivyBatchSubmitter.SubmitAsync(Submission(), Options(gone));

        Assert.Empty(gone.Violations);
        Assert.Equal(SubmissionState.Succeeded, result.FinalState);
        Assert.Equal("application_1732419000000_0007", result.ApplicationId);
        Assert.Equal(1, gone.Calls("get"));
        Assert.Equal(0, gone.Calls("delete"));
    }

    [Fact]
    public async Task Cancellation_during_retries_deletes_the_batch_at_once()
    {
        using var cts = new CancellationTokenSource();
        using var server = new LivyContractServer
        {
            LogLines = Lines,
            States = ["running"],
            Faults = (e, n) =>
            {
                if (e != "state" || n == 1)
                {
                    return LivyFault.None;
                }

                if (n == 3)
                {
                    cts.Cancel();
                }

                return LivyFault.ServiceUnavailable;
            },
        };
        var options = Options(server) with { TransientErrorWindow = TimeSpan.FromMinutes(10), PollMaxDelay = TimeSpan.FromMinutes(5) };

        var exception = await Assert.ThrowsAsync<SubmissionCanceledException>(() => LivyBatchSubmitter.SubmitAsync(Submission(), options, cts.Token));

        Assert.Equal(SubmissionState.Cancelled, exception.Result.FinalState);
        Assert.Equal("DELETE /batches/0 succeeded", exception.Result.ClusterKill);
        Assert.True(server.Deleted);
        Assert.Equal(3, server.Calls("state"));
        Assert.Equal("DELETE", server.Requests[^1].Method);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task An_output_callback_that_throws_stops_following_and_deletes_the_batch(bool deleteOnCancel)
    {
        using var server = new LivyContractServer { LogLines = Lines, States = ["running"] };
        var seen = 0;
        var thrown = new InvalidOperationException("the console is gone");
        var options = Options(server) with
        {
            DeleteOnCancel = deleteOnCancel,
            OnOutput = _ =>
            {
                if (++seen == 2)
                {
                    throw thrown;
                }
            },
        };

        var exception = await Assert.ThrowsAsync<SubmissionOutputException>(() => LivyBatchSubmitter.SubmitAsync(Submission(), options));

        Assert.Same(thrown, exception.InnerException);
        Assert.Equal(SubmissionState.Cancelled, exception.Result.FinalState);
        Assert.Equal("0", exception.Result.SubmissionId);
        Assert.Equal("livy", exception.Result.Backend);
        Assert.Contains("InvalidOperationException", exception.Message);
        Assert.Contains("batch 0", exception.Message);
        Assert.Equal(2, seen);
        if (deleteOnCancel)
        {
            Assert.Equal("DELETE /batches/0 succeeded", exception.Result.ClusterKill);
            Assert.True(server.Deleted);
            Assert.Equal("DELETE", server.Requests[^1].Method);
        }
        else
        {
            Assert.Equal("not attempted (DeleteOnCancel is false)", exception.Result.ClusterKill);
            Assert.False(server.Deleted);
            Assert.Equal(0, server.Calls("delete"));
        }

        // Nothing is polled after the callback threw: the lines came from the first log read, before any state poll.
        Assert.Equal(0, server.Calls("state"));
    }

    [Fact]
    public void The_window_must_be_a_time_a_timer_can_wait()
    {
        var options = new LivyOptions(new Uri("http://livy.example:8998/"));
        Assert.Equal(TimeSpan.FromMinutes(5), options.TransientErrorWindow);
        Assert.Throws<ArgumentOutOfRangeException>(() => options with { TransientErrorWindow = TimeSpan.Zero });
        Assert.Throws<ArgumentOutOfRangeException>(() => options with { TransientErrorWindow = TimeSpan.FromDays(60) });
    }
}
