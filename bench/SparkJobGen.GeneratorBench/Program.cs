using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/SparkJobGen.GeneratorBench -- --filter '*' --job short
BenchmarkSwitcher.FromAssembly(typeof(SparkJobGen.Benchmarks.GeneratorBenchmarks).Assembly).Run(args);
