/** A Spring Boot application that migrates its orders with the Cutover starter. */
@NullMarked
package dev.cutover.examples.spring;

import org.jspecify.annotations.NullMarked;
