/**
 * Cutover in a Spring Boot application: the flag client, dual-write repositories, the failed-write
 * journal, metrics, an Actuator health contributor and endpoint, and fleet heartbeats, configured
 * from {@code application.yml} under {@code cutover.*} ({@link dev.cutover.spring.CutoverProperties}).
 */
@NullMarked
package dev.cutover.spring;

import org.jspecify.annotations.NullMarked;
