using System.CommandLine;
using System.Linq;
using SparkJobGen.Cli.Output;

namespace SparkJobGen.Cli.Commands;

/// <summary><c>sparkjobgen jobs list</c>: the jobs a built assembly declares.</summary>
internal static class JobsCommand
{
    /// <summary>Creates the <c>jobs</c> verb group.</summary>
    /// <param name="io">Where output goes.</param>
    public static Command Create(CliIO io)
    {
        var project = CommonOptions.Project();
        var assembly = CommonOptions.Assembly();
        var configuration = CommonOptions.Configuration();
        var noBuild = CommonOptions.NoBuild();
        var json = CommonOptions.Json();
        var list = new Command("list", "List the jobs (name, environment, script, class; with --json also their Spark conf and parameters) declared by a project's built assembly.")
        {
            project, assembly, configuration, noBuild, json,
        };
        list.SetAction((parse, cancellationToken) =>
        {
            var console = CliApplication.Console(io, parse.GetValue(json));
            return CliApplication.GuardAsync(console, async () =>
            {
                var (manifest, assemblyPath) = await JobDiscovery.LoadAsync(
                    parse.GetValue(project), parse.GetValue(assembly), parse.GetValue(configuration)!, !parse.GetValue(noBuild), console, cancellationToken).ConfigureAwait(false);
                foreach (var declared in manifest.Jobs)
                {
                    // A declared [SparkConf] whose key or value looks secret is masked like on every other output path.
                    console.Redactor.AddFromConf(declared.SparkConf);
                }

                var jobs = manifest.Jobs.Select(JobDocument.From).ToArray();
                if (!console.IsJson)
                {
                    if (jobs.Length == 0)
                    {
                        console.Info($"{assemblyPath} declares no Spark jobs.");
                    }

                    foreach (var job in jobs)
                    {
                        io.Out.WriteLine($"{job.Name}\t{job.Environment}\t{job.Script}\t{job.TypeName}");
                    }
                }

                console.WriteJson(new JobsDocument(ExitCodes.Success, assemblyPath, jobs), CliJson.Documents.JobsDocument);
                return ExitCodes.Success;
            });
        });

        return new Command("jobs", "Jobs declared in a project.") { list };
    }
}
