using System;
using System.IO;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace SparkJobGen.Submission.Preflight;

/// <summary>Reads <see cref="ClusterGlibcAttribute"/> from a compiled assembly's metadata, without loading the assembly.</summary>
public static class ClusterGlibcFloor
{
    /// <summary>The version of the assembly-level <c>[assembly: ClusterGlibc("x.y")]</c> in <paramref name="assemblyPath"/>, or null.</summary>
    /// <param name="assemblyPath">A .NET assembly (the job project's output).</param>
    /// <exception cref="BadImageFormatException">The file is not a .NET assembly.</exception>
    public static string? ReadFromAssemblyFile(string assemblyPath)
    {
        ArgumentNullException.ThrowIfNull(assemblyPath);
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        var metadata = pe.GetMetadataReader();
        foreach (var handle in metadata.GetAssemblyDefinition().GetCustomAttributes())
        {
            var attribute = metadata.GetCustomAttribute(handle);
            if (!IsClusterGlibc(metadata, attribute.Constructor))
            {
                continue;
            }

            // The value blob: prolog 0x0001, then the constructor's one string argument (a SerString).
            var blob = metadata.GetBlobReader(attribute.Value);
            if (blob.Length >= 2 && blob.ReadUInt16() == 1)
            {
                return blob.ReadSerializedString();
            }
        }

        return null;
    }

    private static bool IsClusterGlibc(MetadataReader metadata, EntityHandle constructor)
    {
        EntityHandle type;
        if (constructor.Kind == HandleKind.MemberReference)
        {
            type = metadata.GetMemberReference((MemberReferenceHandle)constructor).Parent;
        }
        else if (constructor.Kind == HandleKind.MethodDefinition)
        {
            type = metadata.GetMethodDefinition((MethodDefinitionHandle)constructor).GetDeclaringType();
        }
        else
        {
            return false;
        }

        var (ns, name) = type.Kind switch
        {
            HandleKind.TypeReference => (metadata.GetTypeReference((TypeReferenceHandle)type).Namespace, metadata.GetTypeReference((TypeReferenceHandle)type).Name),
            HandleKind.TypeDefinition => (metadata.GetTypeDefinition((TypeDefinitionHandle)type).Namespace, metadata.GetTypeDefinition((TypeDefinitionHandle)type).Name),
            _ => (default(StringHandle), default(StringHandle)),
        };
        return !name.IsNil && metadata.StringComparer.Equals(name, nameof(ClusterGlibcAttribute)) && metadata.StringComparer.Equals(ns, "SparkJobGen");
    }
}
