/** Harness code shared by the system tests and the benchmarks (not shipped). */
package net.dtm.testkit;
