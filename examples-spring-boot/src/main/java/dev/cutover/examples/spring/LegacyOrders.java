package dev.cutover.examples.spring;

import org.springframework.data.repository.Repository;

/** The old store: a Spring Data JDBC repository (bean {@code legacyOrders}). */
public interface LegacyOrders extends Repository<Order, String>, OrderRepository {}
