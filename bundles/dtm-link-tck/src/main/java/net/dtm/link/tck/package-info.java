/** The link driver contract: one JUnit 5 suite every LinkDriver implementation must pass. */
package net.dtm.link.tck;
