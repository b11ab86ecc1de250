package dev.cutover.cli.internal;

import dev.cutover.replication.Repair;
import java.util.Iterator;
import java.util.List;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** {@code --direction old-to-new | new-to-old}: which side a repair takes as authoritative. */
public final class Directions implements ITypeConverter<Repair.Direction>, Iterable<String> {

    @Override
    public Repair.Direction convert(String value) {
        return switch (value.strip().toLowerCase(java.util.Locale.ROOT).replace('_', '-')) {
            case "old-to-new" -> Repair.Direction.OLD_TO_NEW;
            case "new-to-old" -> Repair.Direction.NEW_TO_OLD;
            default ->
                throw new TypeConversionException("expected one of old-to-new (the old store is authoritative,"
                        + " the new one is repaired), new-to-old (the reverse) but was '" + value + "'");
        };
    }

    /** The name an operator types: {@code old-to-new} or {@code new-to-old}. */
    static String name(Repair.Direction direction) {
        return direction.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    @Override
    public Iterator<String> iterator() {
        return List.of("old-to-new", "new-to-old").iterator();
    }
}
