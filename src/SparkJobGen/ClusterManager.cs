namespace SparkJobGen;

/// <summary>Where a Spark application runs.</summary>
public enum ClusterManager
{
    /// <summary>In one local JVM (<c>--master local[*]</c>); the embedded default that needs no cluster.</summary>
    Local,

    /// <summary>A Spark standalone cluster (<c>spark://host:7077</c>).</summary>
    Standalone,

    /// <summary>Hadoop YARN (<c>--master yarn</c>).</summary>
    Yarn,

    /// <summary>Kubernetes (<c>--master k8s://https://host:port</c>).</summary>
    Kubernetes,
}

/// <summary>Where the driver runs.</summary>
public enum DeployMode
{
    /// <summary>The driver runs on the submitting machine, with the local Python interpreter.</summary>
    Client,

    /// <summary>The driver runs inside the cluster, with the packed environment's Python.</summary>
    Cluster,
}
