/** Internals of the Spring Boot starter (auto-configurations, endpoint, health); not API. */
@NullMarked
package dev.cutover.spring.internal;

import org.jspecify.annotations.NullMarked;
