/**
 * A Cutover flag store on a relational database: PostgreSQL, MySQL/MariaDB or H2.
 *
 * <pre>{@code
 * JdbcFlagStore store = JdbcFlagStore.builder(dataSource).build();
 * store.createSchemaIfMissing();                 // or apply schema/<dialect>.sql yourself
 * FlagClient flags = FlagClient.builder(store).build();
 * }</pre>
 */
@NullMarked
package dev.cutover.flags.jdbc;

import org.jspecify.annotations.NullMarked;
