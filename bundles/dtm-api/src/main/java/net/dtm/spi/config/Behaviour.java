package net.dtm.spi.config;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Marker of one small capability of an adapter, asked for by type through
 * {@link VendorAdapter#behaviour(Class)}. Every command a behaviour renders is a line in the
 * device's own language (an iproute2 batch line, an IOS CLI line...); the core collects the lines of
 * one change and hands them to {@link ConfigSession#apply(java.util.List)} as one batch.
 */
@ConsumerType
public interface Behaviour {
}
