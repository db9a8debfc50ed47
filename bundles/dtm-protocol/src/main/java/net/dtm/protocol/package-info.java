/**
 * DTM control protocol (wire versions 1, 2 and 3): immutable messages, the datagram codec with authenticated encryption
 * (ChaCha20-Poly1305 under the device's own key), and the replay window. See docs/wire-format.md.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.2.0")
package net.dtm.protocol;
