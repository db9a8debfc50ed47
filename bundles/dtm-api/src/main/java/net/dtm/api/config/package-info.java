/**
 * The configuration module as seen by operators and other bundles: the tunnel ends a node manages
 * (the router's own tunnel on an agent, one core end per device on a gateway), their intent and
 * running state, previews, applies, confirmations, the numbered history and rollbacks.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package net.dtm.api.config;
