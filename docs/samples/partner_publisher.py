#!/usr/bin/env python3
"""Publish one partner event to EU CyberNet's Projects service — Python 3 standard library only.

    # over HTTP, with the API key staff issued to your system
    python3 partner_publisher.py http --url https://cybernet.example.eu --api-key ecn_... event.json

    # over AMQP, as your own RabbitMQ user (user_id is set to that user, as the broker requires)
    python3 partner_publisher.py amqp --amqp amqp://partner-ega:secret@broker.example.eu:5672/eucybernet event.json

The file holds one partner event (docs/partner-events.md); the routing key is derived from its
"type". A real integration would use a maintained AMQP client (pika, aio-pika); this sample speaks
the few AMQP 0-9-1 frames a confirmed publish needs so that it runs anywhere Python 3 does.
"""
import argparse
import json
import socket
import struct
import sys
import urllib.error
import urllib.parse
import urllib.request
import uuid

ROUTING_KEYS = {
    "project-reported": "project.reported",
    "project-updated": "project.updated",
    "activity-reported": "project.activity-reported",
    "project-closed": "project.closed",
}
EXCHANGE = "partner-events"


def publish_http(url, api_key, body):
    request = urllib.request.Request(
        url.rstrip("/") + "/partner-events", data=body, method="POST",
        headers={"Content-Type": "application/json", "X-Api-Key": api_key})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            print(response.status, response.read().decode())
            return 0
    except urllib.error.HTTPError as refused:  # 400: every reason is listed; 401: key unknown or revoked
        print(refused.code, refused.read().decode(), file=sys.stderr)
        return 1


# --- the AMQP 0-9-1 frames of a confirmed publish -------------------------------------------

def shortstr(text):
    data = text.encode()
    return struct.pack("!B", len(data)) + data


def longstr(data):
    return struct.pack("!I", len(data)) + data


def table(fields):
    encoded = b"".join(shortstr(k) + b"S" + longstr(v.encode()) for k, v in fields.items())
    return longstr(encoded)


class Amqp:
    def __init__(self, host, port):
        self.sock = socket.create_connection((host, port), timeout=30)
        self.frame_max = 131072

    def send(self, kind, channel, payload):
        self.sock.sendall(struct.pack("!BHI", kind, channel, len(payload)) + payload + b"\xce")

    def method(self, channel, class_id, method_id, args=b""):
        self.send(1, channel, struct.pack("!HH", class_id, method_id) + args)

    def read(self, n):
        data = b""
        while len(data) < n:
            chunk = self.sock.recv(n - len(data))
            if not chunk:
                raise ConnectionError("the broker closed the connection")
            data += chunk
        return data

    def receive(self):
        kind, channel, size = struct.unpack("!BHI", self.read(7))
        payload = self.read(size)
        if self.read(1) != b"\xce":
            raise ConnectionError("bad frame end")
        return kind, channel, payload

    def expect(self, class_id, method_id):
        while True:
            kind, _, payload = self.receive()
            if kind != 1:
                continue  # heartbeats, returned content
            got = struct.unpack("!HH", payload[:4])
            if got in ((10, 50), (20, 40)):  # connection.close / channel.close: the broker refused something
                code = struct.unpack("!H", payload[4:6])[0]
                text = payload[7:7 + payload[6]].decode()
                raise RuntimeError(f"broker refused: {code} {text}")
            if got == (class_id, method_id):
                return payload[4:]


def publish_amqp(uri, body, routing_key, message_id):
    url = urllib.parse.urlparse(uri)
    user, password = urllib.parse.unquote(url.username), urllib.parse.unquote(url.password)
    vhost = urllib.parse.unquote(url.path[1:]) if len(url.path) > 1 else "/"
    amqp = Amqp(url.hostname, url.port or 5672)
    amqp.sock.sendall(b"AMQP\x00\x00\x09\x01")
    amqp.expect(10, 10)                                                   # connection.start
    amqp.method(0, 10, 11, table({"product": "eucybernet-partner-sample"}) + shortstr("PLAIN")
                + longstr(f"\0{user}\0{password}".encode()) + shortstr("en_US"))
    tune = amqp.expect(10, 30)                                            # connection.tune
    channel_max, frame_max, _ = struct.unpack("!HIH", tune[:8])
    amqp.frame_max = frame_max or amqp.frame_max
    amqp.method(0, 10, 31, struct.pack("!HIH", channel_max, amqp.frame_max, 0))
    amqp.method(0, 10, 40, shortstr(vhost) + shortstr("") + b"\x00")       # connection.open
    amqp.expect(10, 41)
    amqp.method(1, 20, 10, shortstr(""))                                  # channel.open
    amqp.expect(20, 11)
    amqp.method(1, 85, 10, b"\x00")                                       # confirm.select
    amqp.expect(85, 11)

    # basic.publish, mandatory: an unroutable message comes back instead of vanishing
    amqp.method(1, 60, 40, struct.pack("!H", 0) + shortstr(EXCHANGE) + shortstr(routing_key) + b"\x01")
    flags = (1 << 15) | (1 << 12) | (1 << 7) | (1 << 4)                   # content-type, delivery-mode, message-id, user-id
    properties = shortstr("application/json") + struct.pack("!B", 2) + shortstr(message_id) + shortstr(user)
    amqp.send(2, 1, struct.pack("!HHQH", 60, 0, len(body), flags) + properties)
    step = amqp.frame_max - 8
    for start in range(0, len(body), step):
        amqp.send(3, 1, body[start:start + step])

    while True:                                                           # basic.ack, or .return then .ack, or .nack
        kind, _, payload = amqp.receive()
        if kind != 1:
            continue
        got = struct.unpack("!HH", payload[:4])
        if got == (60, 50):
            raise RuntimeError("the broker returned the message: no queue is bound for " + routing_key)
        if got == (60, 120):
            raise RuntimeError("the broker did not accept the message (nack)")
        if got in ((10, 50), (20, 40)):
            code = struct.unpack("!H", payload[4:6])[0]
            raise RuntimeError(f"broker refused: {code} {payload[7:7 + payload[6]].decode()}")
        if got == (60, 80):
            break
    amqp.method(0, 10, 50, struct.pack("!H", 200) + shortstr("bye") + struct.pack("!HH", 0, 0))
    amqp.expect(10, 51)
    amqp.sock.close()
    print(f"published {routing_key} as {user}, confirmed by the broker")
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="channel", required=True)
    http = sub.add_parser("http")
    http.add_argument("--url", required=True)
    http.add_argument("--api-key", required=True)
    http.add_argument("event")
    amqp = sub.add_parser("amqp")
    amqp.add_argument("--amqp", required=True, help="amqp://user:password@host:port/vhost")
    amqp.add_argument("--routing-key", help="default: derived from the event's type")
    amqp.add_argument("event")
    args = parser.parse_args()

    with open(args.event, "rb") as file:
        body = file.read()
    if args.channel == "http":
        return publish_http(args.url, args.api_key, body)
    routing_key = args.routing_key or ROUTING_KEYS[json.loads(body)["type"]]
    return publish_amqp(args.amqp, body, routing_key, str(uuid.uuid4()))


if __name__ == "__main__":
    sys.exit(main())
