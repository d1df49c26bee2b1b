using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/SparkJobGen.AnalyzerBench -- --filter '*'   (default job, a process per case)
// ... -- --filter '*' --warmupCount 40 --iterationCount 15 --launchCount 3             (steady state)
// dotnet run -c Release --project bench/SparkJobGen.AnalyzerBench -- --per-analyzer   (each analyzer's execution time, 5 runs)
if (args.Contains("--per-analyzer"))
{
    await SparkJobGen.AnalyzerBench.AnalyzerBenchmarks.PrintPerAnalyzerAsync(rounds: 5);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(SparkJobGen.AnalyzerBench.AnalyzerBenchmarks).Assembly).Run(args);
