/**
 * DTM model and services: devices, pools, leases, tunnel parameters, and the services that read
 * and change them. {@code XxxService} reads, {@code XxxAdminService} changes.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.9.0")
package net.dtm.api;
