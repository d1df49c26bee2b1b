using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/SparkJobGen.AnalyzerBench -- --filter '*' --job short --inProcess
BenchmarkSwitcher.FromAssembly(typeof(SparkJobGen.AnalyzerBench.AnalyzerBenchmarks).Assembly).Run(args);
