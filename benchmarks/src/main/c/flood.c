/*
 * Loopback UDP flood for benchmarks/run-flood.sh: sends well-formed DTM request headers (from a
 * template file) to 127.0.0.1:<port> from spoofed 127.x.y.z source addresses through a raw socket
 * (root only). Loopback only: the destination is always 127.0.0.1 and the sources always 127/8.
 * Bounded: stops after <seconds> or <max> datagrams, whichever comes first.
 *
 * usage: flood <template-file> <port> <rate/s> <seconds> <max> <mode> [ids]
 *   mode random: a random source (127.1-255.x.y) and a random device id per datagram
 *   mode ids:    a random source, the device id one of <ids> fixed unknown ids
 *   mode one:    one source (127.9.9.9), a random device id per datagram
 * The template is one datagram whose device id (offset 7, length at offset 6) is overwritten.
 * Prints "sent=N seconds=S" at the end.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static uint64_t state = 88172645463325252ULL;
static uint64_t rnd(void) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void id_of(uint64_t n, unsigned char *out, int len) {
    static const char hex[] = "0123456789abcdef";
    out[0] = 'f';
    out[1] = 'l';
    for (int i = len - 1; i >= 2; i--) {
        out[i] = hex[n & 15];
        n >>= 4;
    }
}

int main(int argc, char **argv) {
    if (argc < 7) {
        fprintf(stderr, "usage: flood <template> <port> <rate> <seconds> <max> <random|ids|one> [ids]\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "rb");
    if (!f) { perror("template"); return 2; }
    unsigned char payload[1500];
    size_t plen = fread(payload, 1, sizeof payload, f);
    fclose(f);
    int port = atoi(argv[2]);
    double rate = atof(argv[3]);
    double seconds = atof(argv[4]);
    long max = atol(argv[5]);
    const char *mode = argv[6];
    long ids = argc > 7 ? atol(argv[7]) : 1000;
    if (plen < 8 || port <= 0 || rate <= 0 || seconds <= 0 || seconds > 3600 || max <= 0) {
        fprintf(stderr, "flood: bad arguments\n");
        return 2;
    }
    int idlen = payload[6];
    state ^= (uint64_t) time(NULL) * 2654435761ULL ^ (uint64_t) getpid();

    int s = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
    if (s < 0) { perror("raw socket (root needed)"); return 1; }
    int one = 1;
    setsockopt(s, IPPROTO_IP, IP_HDRINCL, &one, sizeof one);
    int sndbuf = 4 << 20;
    setsockopt(s, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);

    unsigned char packet[1600];
    struct iphdr *ip = (struct iphdr *) packet;
    struct udphdr *udp = (struct udphdr *) (packet + sizeof(struct iphdr));
    unsigned char *data = packet + sizeof(struct iphdr) + sizeof(struct udphdr);
    memcpy(data, payload, plen);
    size_t total = sizeof(struct iphdr) + sizeof(struct udphdr) + plen;
    memset(ip, 0, sizeof *ip);
    ip->ihl = 5;
    ip->version = 4;
    ip->tot_len = htons(total);
    ip->ttl = 64;
    ip->protocol = IPPROTO_UDP;
    ip->daddr = htonl(0x7f000001);             /* 127.0.0.1, always */
    udp->dest = htons(port);
    udp->len = htons(sizeof(struct udphdr) + plen);
    udp->check = 0;                            /* optional over IPv4 */
    struct sockaddr_in to = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(0x7f000001)};

    double start = now();
    long sent = 0;
    long errors = 0;
    while (sent < max) {
        double elapsed = now() - start;
        if (elapsed >= seconds) break;
        long due = (long) (elapsed * rate) + 1;
        if (sent >= due) {
            struct timespec pause = {0, 200000};   /* 0.2 ms */
            nanosleep(&pause, NULL);
            continue;
        }
        for (; sent < due && sent < max; sent++) {
            uint64_t r = rnd();
            uint32_t src;
            if (mode[0] == 'o') {
                src = 0x7f090909;                      /* 127.9.9.9 */
            } else {
                src = 0x7f000000 | (uint32_t) (r & 0xffffff);
                if (((src >> 16) & 0xff) == 0) src |= 0x010000;   /* never 127.0.x.y: the node and the agents */
            }
            ip->saddr = htonl(src);
            ip->id = (uint16_t) (r >> 24);
            udp->source = htons(1024 + (uint16_t) ((r >> 40) % 60000));
            uint64_t n = mode[0] == 'i' ? (rnd() % (uint64_t) ids) : rnd();
            id_of(n, data + 7, idlen);
            if (sendto(s, packet, total, 0, (struct sockaddr *) &to, sizeof to) < 0) {
                /* loopback drops when the receiver is behind; count only what the kernel took */
                sent--;
                if (++errors > 100000) {
                    perror("flood: sendto keeps failing");
                    printf("sent=%ld seconds=%.1f\n", sent + 1, now() - start);
                    return 1;
                }
                struct timespec pause = {0, 100000};
                nanosleep(&pause, NULL);
            }
        }
    }
    printf("sent=%ld seconds=%.1f\n", sent, now() - start);
    close(s);
    return 0;
}
