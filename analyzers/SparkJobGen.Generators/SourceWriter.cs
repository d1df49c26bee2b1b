using System;
using System.Text;

namespace SparkJobGen.Generators;

/// <summary>A minimal indented text writer for generated C# (LF line endings, four-space indentation).</summary>
internal sealed class SourceWriter
{
    private readonly StringBuilder _builder = new(4096);
    private int _indent;

    /// <summary>Writes one line at the current indentation; an empty string writes an empty line.</summary>
    /// <param name="line">The line text.</param>
    public SourceWriter Line(string line = "")
    {
        if (line.Length > 0)
        {
            _builder.Append(' ', _indent * 4);
            _builder.Append(line);
        }

        _builder.Append('\n');
        return this;
    }

    /// <summary>Appends text already rendered by another writer (whole lines, at the indentation they were written with).</summary>
    /// <param name="text">The text.</param>
    public SourceWriter Raw(string text)
    {
        _builder.Append(text);
        return this;
    }

    /// <summary>Writes <c>{</c> and indents.</summary>
    public SourceWriter Open()
    {
        Line("{");
        _indent++;
        return this;
    }

    /// <summary>Unindents and writes <c>}</c> followed by <paramref name="suffix"/>.</summary>
    /// <param name="suffix">Text after the brace, for example <c>;</c>.</param>
    public SourceWriter Close(string suffix = "")
    {
        if (_indent == 0)
        {
            throw new InvalidOperationException("Unbalanced braces in generated source.");
        }

        _indent--;
        return Line("}" + suffix);
    }

    /// <summary>Increases the indentation without writing a brace.</summary>
    public SourceWriter Indent()
    {
        _indent++;
        return this;
    }

    /// <summary>Decreases the indentation.</summary>
    public SourceWriter Unindent()
    {
        _indent--;
        return this;
    }

    /// <inheritdoc />
    public override string ToString() => _builder.ToString();
}
