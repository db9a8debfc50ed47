/**
 * The link driver contract: one JUnit 5 suite ({@link net.dtm.link.tck.LinkDriverContract}) every
 * LinkDriver implementation must pass.
 */
package net.dtm.link.tck;
