package dev.imagine.bot.cli;

import dev.imagine.pipeline.PipelineException;
import dev.imagine.pipeline.Precision;
import picocli.CommandLine;

/** {@code --precision fp32|int8}; anything else is a usage error that names both choices. */
final class PrecisionConverter implements CommandLine.ITypeConverter<Precision> {
    @Override
    public Precision convert(String value) {
        try {
            return Precision.parse(value);
        } catch (PipelineException e) {
            throw new CommandLine.TypeConversionException("expected fp32 or int8, got '" + value + "'");
        }
    }
}
