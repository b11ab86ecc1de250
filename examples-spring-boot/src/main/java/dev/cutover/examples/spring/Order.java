package dev.cutover.examples.spring;

import org.jspecify.annotations.Nullable;
import org.springframework.data.annotation.Id;
import org.springframework.data.annotation.Version;
import org.springframework.data.relational.core.mapping.Table;

/** An order; the old store keeps it in {@code old_orders} through Spring Data JDBC. */
@Table("old_orders")
public record Order(
        @Id String id, String item, @Version @Nullable Long version) {}
