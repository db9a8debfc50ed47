/**
 * DTM control protocol (wire versions 1 and 2): immutable messages, the datagram codec with authenticated encryption
 * (ChaCha20-Poly1305 under the device's own key), and the replay window. See docs/wire-format.md.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package net.dtm.protocol;
