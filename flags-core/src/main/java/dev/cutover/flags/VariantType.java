package dev.cutover.flags;

/**
 * The type shared by every variant value of one flag.
 *
 * @since 0.1.0
 */
public enum VariantType {
    /** JSON {@code true} or {@code false}. */
    BOOLEAN,
    /** A JSON string. */
    STRING,
    /** A JSON number, read as {@code int} or {@code double}. */
    NUMBER,
    /** Any JSON value, mapped to an application class on evaluation. */
    JSON
}
