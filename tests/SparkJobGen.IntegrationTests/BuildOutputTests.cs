namespace SparkJobGen.IntegrationTests;

/// <summary>
/// The build step that writes <c>sparkjobs/&lt;environment&gt;/</c>, as a project using the packed package meets it: outputs
/// rewritten when deleted or redirected, published, stale folders removed (and nothing else), and every failure a build
/// message with its SJG3xxx code instead of a task crash.
/// </summary>
[Collection(RealBuildCollection.Name)]
public sealed class BuildOutputTests
{
    private static readonly string[] ExpectedFiles =
    [
        "etl-env/environment.yaml",
        "etl-env/jobs/etl.py",
        "reports/environment.yaml",
        "reports/jobs/report.py",
    ];

    private static Dictionary<string, string> Files(string etlEnvironment = "etl-env") => new()
    {
        ["jobs/etl.py"] = "import sys\nprint(sys.argv[1:])\n",
        ["jobs/report.py"] = "print('report')\n",
        ["Jobs.cs"] = $$"""
            using SparkJobGen;

            [assembly: CondaChannel("conda-forge")]

            namespace Demo;

            [SparkJob("jobs/etl.py", Environment = "{{etlEnvironment}}")]
            [PythonVersion("3.12")]
            public partial class Etl
            {
                [JobParameter] public required DateOnly Day { get; init; }
            }

            [SparkJob("jobs/report.py", Environment = "reports")]
            [PythonVersion("3.11")]
            public partial class Report
            {
            }
            """,
        ["Program.cs"] = "System.Console.WriteLine(Demo.Etl.Definition.Environment);\n",
    };

    [Fact]
    public void Deleted_or_redirected_outputs_are_written_again_and_unchanged_ones_are_not_rewritten()
    {
        using var project = ConsumerProject.Create(Files());
        var sparkjobs = Path.Combine(project.Output, "sparkjobs");
        project.RunOk("build", "-c", "Debug");
        Assert.Equal(ExpectedFiles, ConsumerProject.FilesUnder(sparkjobs));
        var yaml = File.ReadAllBytes(Path.Combine(sparkjobs, "etl-env", "environment.yaml"));

        // `rm -rf bin` on an up-to-date project: the next build writes the folder again.
        Directory.Delete(Path.Combine(project.Directory, "bin"), recursive: true);
        project.RunOk("build", "-c", "Debug");
        Assert.Equal(ExpectedFiles, ConsumerProject.FilesUnder(sparkjobs));
        Assert.Equal(yaml, File.ReadAllBytes(Path.Combine(sparkjobs, "etl-env", "environment.yaml")));

        // One deleted file is written again; an unchanged file keeps its timestamp (it is compared, not rewritten).
        var old = new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(Path.Combine(sparkjobs, "reports", "environment.yaml"), old);
        File.Delete(Path.Combine(sparkjobs, "etl-env", "jobs", "etl.py"));
        project.RunOk("build", "-c", "Debug");
        Assert.Equal(ExpectedFiles, ConsumerProject.FilesUnder(sparkjobs));
        Assert.Equal(old, File.GetLastWriteTimeUtc(Path.Combine(sparkjobs, "reports", "environment.yaml")));

        // A different output folder on an up-to-date project is written too.
        var elsewhere = Path.Combine(project.Work, "elsewhere");
        project.RunOk("build", "-c", "Debug", "-p:SparkJobGenOutputDirectory=" + elsewhere);
        Assert.Equal(ExpectedFiles, ConsumerProject.FilesUnder(elsewhere));
        Assert.Equal(yaml, File.ReadAllBytes(Path.Combine(elsewhere, "etl-env", "environment.yaml")));
    }

    /// <summary>
    /// Deleting a job's script changes no timestamp that CoreCompile compares, so without the scripts in the compile-inputs
    /// hash (Microsoft.Common.CurrentVersion.targets, _GenerateCompileDependencyCache) the next build skipped the compiler and
    /// only the write step's SJG3003 appeared; the analyzers' SJG1003 points at the job that names the script.
    /// </summary>
    [Fact]
    public void A_deleted_script_is_reported_by_the_analyzers_on_the_next_incremental_build()
    {
        using var project = ConsumerProject.Create(Files());
        var (first, firstOutput) = project.Run("build", "-c", "Debug");
        Assert.True(first == 0, firstOutput);
        Assert.DoesNotContain("SJG1003", firstOutput, StringComparison.Ordinal);

        var script = Path.Combine(project.Directory, "jobs", "report.py");
        var kept = Path.Combine(project.Work, "report.py");
        File.Move(script, kept);
        var (failed, deleted) = project.Run("build", "-c", "Debug");
        Assert.NotEqual(0, failed); // the project treats warnings as errors
        Assert.Contains("error SJG1003: The script 'jobs/report.py' of job 'report'", deleted, StringComparison.Ordinal);

        // Put back with its old timestamp (as a checkout or a move does): compiled again, and the warning is gone.
        File.Move(kept, script);
        var (back, restored) = project.Run("build", "-c", "Debug");
        Assert.True(back == 0, restored);
        Assert.DoesNotContain("SJG1003", restored, StringComparison.Ordinal);
    }

    /// <summary>
    /// A script's place in the environment folder is its declared path with '.' and '..' resolved; two different scripts that
    /// would land at one place (one of them from outside the project) fail the build with SJG3008 instead of one job silently
    /// running the other's script.
    /// </summary>
    [Fact]
    public void Dot_segments_are_resolved_and_two_scripts_at_one_place_fail_the_build()
    {
        using var resolved = ConsumerProject.Create(new Dictionary<string, string>
        {
            ["jobs/score.py"] = "print('score')\n",
            ["b.py"] = "print('ROOT b.py')\n",
            ["Jobs.cs"] = """
                using SparkJobGen;
                namespace Demo;
                [SparkJob("./jobs/../jobs/score.py", Environment = "shared")] public partial class Score { }
                [SparkJob("a/../b.py", Environment = "shared")] public partial class RootB { }
                """,
            ["Program.cs"] = "System.Console.WriteLine(Demo.Score.Definition.Environment);\n",
        });
        resolved.RunOk("build", "-c", "Debug");
        Assert.Equal(["shared/b.py", "shared/environment.yaml", "shared/jobs/score.py"], ConsumerProject.FilesUnder(Path.Combine(resolved.Output, "sparkjobs")));

        // lib/b.py in the project and ../lib/b.py beside it both belong at shared/lib/b.py (the analyzers' script check, which
        // reports the script outside the project, is off so the build reaches the write step).
        using var clash = ConsumerProject.Create(new Dictionary<string, string>
        {
            ["lib/b.py"] = "print('inside')\n",
            ["Jobs.cs"] = """
                using SparkJobGen;
                namespace Demo;
                [SparkJob("lib/b.py", Environment = "shared")] public partial class InsideB { }
                [SparkJob("../lib/b.py", Environment = "shared")] public partial class OutsideB { }
                """,
            ["Program.cs"] = "System.Console.WriteLine(Demo.InsideB.Definition.Environment);\n",
        });
        Directory.CreateDirectory(Path.Combine(clash.Work, "lib"));
        File.WriteAllText(Path.Combine(clash.Work, "lib", "b.py"), "print('outside')\n");
        var (exitCode, output) = clash.Run("build", "-c", "Debug", "-p:SparkJobGenCheckScripts=false");
        Assert.True(exitCode != 0, output);
        Assert.Contains("error SJG3008: The scripts of Spark jobs 'inside-b' ('lib/b.py', ", output, StringComparison.Ordinal);
        Assert.Contains("and 'outside-b' ('../lib/b.py', ", output, StringComparison.Ordinal);
        Assert.Equal("print('inside')\n", File.ReadAllText(Path.Combine(clash.Output, "sparkjobs", "shared", "lib", "b.py")));

        // A script whose place is the environment file itself would replace the generated environment.yaml.
        using var overYaml = ConsumerProject.Create(new Dictionary<string, string>
        {
            ["environment.yaml"] = "print(0)\n",
            ["Jobs.cs"] = """
                using SparkJobGen;
                namespace Demo;
                [SparkJob("environment.yaml", Environment = "e8")] public partial class Yaml { }
                """,
            ["Program.cs"] = "System.Console.WriteLine(Demo.Yaml.Definition.Environment);\n",
        });
        var (yamlExit, yamlOutput) = overYaml.Run("build", "-c", "Debug", "-p:SparkJobGenCheckScripts=false");
        Assert.True(yamlExit != 0, yamlOutput);
        Assert.Contains("error SJG3008: The script of Spark job 'yaml' ('environment.yaml') would be copied over the environment file", yamlOutput, StringComparison.Ordinal);
        Assert.StartsWith("# Generated by SparkJobGen", File.ReadAllText(Path.Combine(overYaml.Output, "sparkjobs", "e8", "environment.yaml")), StringComparison.Ordinal);

        // A script path that names a folder ('jobs/', '..') is said to be one, not reported missing or passed over in silence.
        using var folders = ConsumerProject.Create(new Dictionary<string, string>
        {
            ["jobs/a.py"] = "print(0)\n",
            ["Jobs.cs"] = """
                using SparkJobGen;
                namespace Demo;
                [SparkJob("jobs/", Environment = "f1")] public partial class InJobs { }
                [SparkJob("..", Environment = "f2")] public partial class Up { }
                """,
            ["Program.cs"] = "System.Console.WriteLine(Demo.Up.Definition.Environment);\n",
        });
        var (_, folderOutput) = folders.Run("build", "-c", "Debug", "-p:SparkJobGenCheckScripts=false", "-p:TreatWarningsAsErrors=false");
        Assert.Contains("warning SJG3003: The script 'jobs/' of Spark job 'in-jobs' names the folder", folderOutput, StringComparison.Ordinal);
        Assert.Contains("warning SJG3003: The script '..' of Spark job 'up' names the folder", folderOutput, StringComparison.Ordinal);
    }

    [Fact]
    public void Publish_copies_the_environment_folders_unless_switched_off()
    {
        using var project = ConsumerProject.Create(Files());
        var published = Path.Combine(project.Work, "published");
        project.RunOk("publish", "-c", "Debug", "-o", published);
        Assert.Equal(ExpectedFiles, ConsumerProject.FilesUnder(Path.Combine(published, "sparkjobs")));
        Assert.Equal(
            File.ReadAllBytes(Path.Combine(project.Output, "sparkjobs", "reports", "environment.yaml")),
            File.ReadAllBytes(Path.Combine(published, "sparkjobs", "reports", "environment.yaml")));

        // The published app finds its environment where SparkJobDefinition.GetOutputDirectory() looks.
        var dll = Path.Combine(published, "App.dll");
        Assert.True(File.Exists(dll));

        var withoutEnvironments = Path.Combine(project.Work, "published-without");
        project.RunOk("publish", "-c", "Debug", "-o", withoutEnvironments, "-p:SparkJobGenPublishEnvironments=false");
        Assert.True(File.Exists(Path.Combine(withoutEnvironments, "App.dll")));
        Assert.False(Directory.Exists(Path.Combine(withoutEnvironments, "sparkjobs")));
    }

    [Fact]
    public void Renamed_environment_leaves_no_folder_behind_and_files_it_did_not_write_stay()
    {
        using var project = ConsumerProject.Create(Files("old-env"));
        var sparkjobs = Path.Combine(project.Output, "sparkjobs");
        project.RunOk("build", "-c", "Debug");
        Assert.True(File.Exists(Path.Combine(sparkjobs, "old-env", "environment.yaml")));

        // Files the step never wrote: one in a folder of its own, one inside the environment folder.
        Directory.CreateDirectory(Path.Combine(sparkjobs, "mine"));
        File.WriteAllText(Path.Combine(sparkjobs, "mine", "notes.txt"), "mine");
        project.WriteFile("Jobs.cs", Files("etl-env")["Jobs.cs"]);
        project.RunOk("build", "-c", "Debug");
        Assert.Equal([.. ExpectedFiles, "mine/notes.txt"], ConsumerProject.FilesUnder(sparkjobs).OrderBy(f => f.StartsWith("mine/", StringComparison.Ordinal)));
        Assert.False(Directory.Exists(Path.Combine(sparkjobs, "old-env")));

        // A written file someone changed afterwards is no longer the step's to remove: after a rename it stays, and so does its folder.
        File.AppendAllText(Path.Combine(sparkjobs, "etl-env", "jobs", "etl.py"), "# edited by hand\n");
        File.WriteAllText(Path.Combine(sparkjobs, "etl-env", "extra.txt"), "mine");
        project.WriteFile("Jobs.cs", Files("third-env")["Jobs.cs"]);
        project.RunOk("build", "-c", "Debug");
        Assert.Equal(
            ["etl-env/extra.txt", "etl-env/jobs/etl.py", "mine/notes.txt", "reports/environment.yaml", "reports/jobs/report.py", "third-env/environment.yaml", "third-env/jobs/etl.py"],
            ConsumerProject.FilesUnder(sparkjobs));

        // dotnet clean removes what the step wrote and keeps the rest.
        project.RunOk("clean", "-c", "Debug");
        Assert.Equal(["etl-env/extra.txt", "etl-env/jobs/etl.py", "mine/notes.txt"], ConsumerProject.FilesUnder(sparkjobs));
    }

    [Fact]
    public void Rebuild_leaves_what_a_clean_and_a_build_would_without_rewriting_unchanged_files()
    {
        using var project = ConsumerProject.Create(Files("old-env"));
        var sparkjobs = Path.Combine(project.Output, "sparkjobs");
        project.RunOk("build", "-c", "Debug");
        Directory.CreateDirectory(Path.Combine(sparkjobs, "mine"));
        File.WriteAllText(Path.Combine(sparkjobs, "mine", "notes.txt"), "mine");
        var reportsYaml = Path.Combine(sparkjobs, "reports", "environment.yaml");
        var old = new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(reportsYaml, old);

        // `--no-incremental` is the Rebuild target: Clean, then Build. The renamed environment's folder goes, the new one is
        // written, a file the step never wrote stays, and an unchanged output is compared, not deleted and written again.
        project.WriteFile("Jobs.cs", Files("etl-env")["Jobs.cs"]);
        project.RunOk("build", "-c", "Debug", "--no-incremental");
        Assert.Equal([.. ExpectedFiles, "mine/notes.txt"], ConsumerProject.FilesUnder(sparkjobs).OrderBy(f => f.StartsWith("mine/", StringComparison.Ordinal)));
        Assert.Equal(old, File.GetLastWriteTimeUtc(reportsYaml));

        // A rebuild with the step switched off has nothing to reconcile its outputs, so its clean removes them.
        project.RunOk("build", "-c", "Debug", "--no-incremental", "-p:SparkJobGenWriteEnvironments=false");
        Assert.Equal(["mine/notes.txt"], ConsumerProject.FilesUnder(sparkjobs));
    }

    /// <summary>
    /// A build whose output folder cannot be written fails with SJG3004 and removes nothing; it must not forget what the build
    /// before wrote in another folder, so the next good build still removes those files (and the folders they leave empty).
    /// </summary>
    [Fact]
    public void A_failed_build_in_another_folder_keeps_the_earlier_outputs_recorded_for_the_next_build_to_remove()
    {
        using var project = ConsumerProject.Create(Files());
        var first = Path.Combine(project.Work, "first");
        project.RunOk("build", "-c", "Debug", "-p:SparkJobGenOutputDirectory=" + first);
        Assert.Equal(ExpectedFiles, ConsumerProject.FilesUnder(first));

        // A file where the folder should be: every write under it fails.
        var blocked = Path.Combine(project.Work, "blocked");
        File.WriteAllText(blocked, "not a folder");
        var (exitCode, output) = project.Run("build", "-c", "Debug", "-p:SparkJobGenOutputDirectory=" + Path.Combine(blocked, "out"));
        Assert.NotEqual(0, exitCode);
        Assert.Contains("error SJG3004", output, StringComparison.Ordinal);
        Assert.Contains("'" + blocked + "' is a file, where the output needs a folder", output, StringComparison.Ordinal);
        Assert.Equal(ExpectedFiles, ConsumerProject.FilesUnder(first));

        project.RunOk("build", "-c", "Debug");
        Assert.Equal(ExpectedFiles, ConsumerProject.FilesUnder(Path.Combine(project.Output, "sparkjobs")));
        Assert.False(Directory.Exists(first), "the first build's outputs were forgotten: " + string.Join(", ", ConsumerProject.FilesUnder(first)));
        Assert.Equal("not a folder", File.ReadAllText(blocked));
    }

    /// <summary>
    /// Jobs of one environment that share a script copy it to one place; the build step writes on several threads, and the
    /// shared file must be written once, never by two threads racing to create it.
    /// </summary>
    [Fact]
    public void Jobs_sharing_a_script_in_one_environment_copy_it_once()
    {
        var jobs = new System.Text.StringBuilder("using SparkJobGen;\nnamespace Demo;\n");
        for (var i = 0; i < 40; i++)
        {
            jobs.Append($"[SparkJob(\"jobs/shared.py\", Name = \"variant-{i}\", Environment = \"shared-env\")] public partial class Variant{i} {{ }}\n");
        }

        using var project = ConsumerProject.Create(new Dictionary<string, string>
        {
            ["jobs/shared.py"] = "print('shared')\n",
            ["Jobs.cs"] = jobs.ToString(),
            ["Program.cs"] = "System.Console.WriteLine(Demo.Variant0.Definition.Environment);\n",
        });
        var (exitCode, output) = project.Run("build", "-c", "Debug");
        Assert.True(exitCode == 0, output);
        Assert.DoesNotContain("SJG3004", output, StringComparison.Ordinal);
        Assert.Equal(["shared-env/environment.yaml", "shared-env/jobs/shared.py"], ConsumerProject.FilesUnder(Path.Combine(project.Output, "sparkjobs")));
    }

    [Fact]
    public void Long_paths_are_written_or_refused_with_a_build_message_never_a_task_crash()
    {
        // A 240-character script name is a valid file name; the copy must not fail on a longer temporary name.
        var longScript = "jobs/" + new string('s', 237) + ".py";
        var files = Files();
        files[longScript] = "print('long')\n";
        files["Jobs.cs"] = files["Jobs.cs"].Replace("\"jobs/report.py\"", "\"" + longScript + "\"", StringComparison.Ordinal);
        using var project = ConsumerProject.Create(files);
        project.RunOk("build", "-c", "Debug");
        Assert.Equal("print('long')\n", File.ReadAllText(Path.Combine(project.Output, "sparkjobs", "reports", longScript)));

        // A 300-character environment name cannot be a folder name on this file system (255 bytes per name).
        var longEnvironment = new string('e', 300);
        project.WriteFile("Jobs.cs", Files(longEnvironment)["Jobs.cs"]);
        var (exitCode, output) = project.Run("build", "-c", "Debug");
        Assert.NotEqual(0, exitCode);
        Assert.Contains("error SJG3004: Cannot write environment '" + longEnvironment + "'", output, StringComparison.Ordinal);
        Assert.Contains("shorten the environment name or the job's script path, or set SparkJobGenOutputDirectory to a shorter folder", output, StringComparison.Ordinal);
        Assert.DoesNotContain("MSB4018", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);

        // The other environment is still written, and nothing half-written is left.
        Assert.True(File.Exists(Path.Combine(project.Output, "sparkjobs", "reports", "environment.yaml")));
        Assert.DoesNotContain(ConsumerProject.FilesUnder(Path.Combine(project.Output, "sparkjobs")), f => f.EndsWith(".tmp", StringComparison.Ordinal));
    }
}
