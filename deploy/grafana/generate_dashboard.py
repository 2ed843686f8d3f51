"""Writes deploy/grafana/dashboards/platform.json, the platform's Grafana dashboard.

    python deploy/grafana/generate_dashboard.py           # rewrite the JSON
    python deploy/grafana/generate_dashboard.py --check   # exit 1 if the JSON is not what this writes

A row per service (RED of its entrypoints, its outbox, the events it consumes) and a business overview.
The dashboard is generated rather than edited by hand: five rows of the same panels differ only in the
service's name, and a table of what each service has is easier to review than 3,000 lines of JSON.
tests/deploy checks that the committed JSON is this script's output; tests/e2e scrapes the running
services and checks that every query here finds its series. Standard library only.

Metric names: servicekit/metrics.py (label ``service``), business counters ``<service>_<name>_total``
(servicekit/business.py) and the notifications service's own counters (notifications/metrics.py).
"""

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

OUTPUT = Path(__file__).resolve().parent / "dashboards" / "platform.json"
DATASOURCE = {"type": "prometheus", "uid": "${datasource}"}
RATE = "$__rate_interval"


@dataclass(frozen=True)
class ServiceRow:
    name: str
    title: str
    rpc: bool = False  # answers RPCs: rpc_requests_total, rpc_request_duration_seconds
    http: bool = False  # serves an HTTP API beyond /metrics and the probes: http_requests_total ...
    outbox: bool = False  # publishes events through servicekit.outbox.OutboxRelay
    events: bool = False  # consumes events with servicekit.events.event_handler


# What each service has today. members is a consumer in contracts/topology.py (evaluation_completed)
# but has no handler yet: set events=True when it gets one.
SERVICES = [
    ServiceRow("gateway", "Cổng API (gateway)", http=True),
    ServiceRow("members", "Hội viên (members)", rpc=True, outbox=True),
    ServiceRow("funds", "Quỹ (funds)", rpc=True, outbox=True, events=True),
    ServiceRow("evaluations", "Đánh giá (evaluations)", rpc=True, outbox=True, events=True),
    ServiceRow("notifications", "Thông báo (notifications)", rpc=True, events=True),
]


def target(expr, legend, ref):
    return {"datasource": DATASOURCE, "expr": expr, "legendFormat": legend, "refId": ref, "range": True}


def panel(title, targets, unit, description="", kind="timeseries", stacked=False):
    refs = "ABCDEFGH"
    result = {
        "type": kind,
        "title": title,
        "description": description,
        "datasource": DATASOURCE,
        "targets": [target(expr, legend, refs[i]) for i, (expr, legend) in enumerate(targets)],
        "fieldConfig": {"defaults": {"unit": unit, "min": 0}, "overrides": []},
    }
    if kind == "timeseries":
        result["fieldConfig"]["defaults"]["custom"] = {
            "drawStyle": "line",
            "lineWidth": 1,
            "fillOpacity": 10,
            "stacking": {"mode": "normal" if stacked else "none", "group": "A"},
        }
        result["options"] = {"legend": {"displayMode": "list", "placement": "bottom", "showLegend": True}}
    else:
        result["options"] = {"reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False}}
    return result


def red_panels(service, metric, duration, by, what):
    """Rate by ``by``, the ratio of errors and of rejections, p50 and p99 duration."""
    sel = f'service="{service}"'
    total = f"sum(rate({metric}{{{sel}}}[{RATE}]))"

    def share(outcome):
        # `or vector(0)`: no series of that outcome yet means none happened, a ratio of 0, not "No data".
        return f'(sum(rate({metric}{{{sel}, outcome="{outcome}"}}[{RATE}])) or vector(0)) / {total}'

    def quantile(q):
        return f"histogram_quantile({q}, sum by (le) (rate({duration}_bucket{{{sel}}}[{RATE}])))"

    return [
        panel(
            f"{what}: requests/s by {by}",
            [(f"sum by ({by}, outcome) (rate({metric}{{{sel}}}[{RATE}]))", f"{{{{{by}}}}} {{{{outcome}}}}")],
            "reqps",
            "Tốc độ yêu cầu theo kết quả. ok, rejected (lỗi của bên gọi: 4xx, dữ liệu sai), error (lỗi của hệ thống).",
            stacked=True,
        ),
        panel(
            f"{what}: error ratio",
            [(share("error"), "error"), (share("rejected"), "rejected")],
            "percentunit",
            "Tỉ lệ lỗi hệ thống (error, cảnh báo trên 5%) và tỉ lệ yêu cầu bị từ chối (rejected).",
        ),
        panel(
            f"{what}: duration p50 / p99",
            [(quantile(0.5), "p50"), (quantile(0.99), "p99")],
            "s",
            "Thời gian xử lý, trung vị và phân vị 99.",
        ),
    ]


def outbox_panels(service):
    sel = f'service="{service}"'
    return [
        panel(
            "Outbox: backlog",
            [(f"max(outbox_backlog{{{sel}}})", "rows not yet published")],
            "short",
            "Sự kiện đã ghi nhưng chưa phát lên RabbitMQ. Tăng mãi: xem opsctl outbox-backlog.",
        ),
        panel(
            "Outbox: oldest unsent age",
            [(f"max(outbox_oldest_unsent_age_seconds{{{sel}}})", "oldest unsent")],
            "s",
            "Tuổi của sự kiện cũ nhất chưa phát (cảnh báo trên 5 phút).",
        ),
        panel(
            "Outbox: published/s",
            [(f"sum(rate(outbox_published_total{{{sel}}}[{RATE}]))", "published")],
            "ops",
            "Sự kiện được RabbitMQ xác nhận mỗi giây.",
        ),
    ]


def event_panels(service):
    sel = f'service="{service}"'
    return [
        panel(
            "Events handled/s by type and outcome",
            [
                (
                    f"sum by (event_type, outcome) (rate(events_handled_total{{{sel}}}[{RATE}]))",
                    "{{event_type}} {{outcome}}",
                )
            ],
            "ops",
            "Sự kiện đã xử lý theo loại và kết quả; error được thử lại, sau 6 lần thì vào hàng đợi thư chết.",
            stacked=True,
        ),
        panel(
            "Event handling p99",
            [
                (
                    f"histogram_quantile(0.99, sum by (le, event_type) "
                    f"(rate(event_handling_duration_seconds_bucket{{{sel}}}[{RATE}])))",
                    "{{event_type}}",
                )
            ],
            "s",
            "Thời gian xử lý một sự kiện, phân vị 99.",
        ),
        panel(
            "Duplicates skipped and dead-lettered (per hour)",
            [
                (f"sum(increase(inbox_duplicates_skipped_total{{{sel}}}[1h]))", "duplicates skipped"),
                (
                    f"sum by (event_type) (increase(events_dead_lettered_total{{{sel}}}[1h]))",
                    "dead-lettered {{event_type}}",
                ),
            ],
            "short",
            "Bản sao bị bỏ qua (không áp dụng hai lần) và sự kiện vào hàng đợi thư chết (opsctl dead-letters).",
        ),
    ]


def business_panels():
    def total(expr, title, unit, description):
        return panel(title, [(f"sum(increase({expr}[$__range]))", title)], unit, description, kind="stat")

    return [
        total(
            "members_registered_total",
            "Hội viên đăng ký / members registered",
            "short",
            "Trong khoảng thời gian đang xem.",
        ),
        total(
            "funds_donations_vnd_total", "Tiền ủng hộ / donations (đồng)", "currencyVND", "Tổng tiền ủng hộ đã ghi sổ."
        ),
        total("funds_disbursed_vnd_total", "Đã chi / disbursed (đồng)", "currencyVND", "Tổng tiền đã chi trả."),
        total(
            "evaluations_completed_total",
            "Đánh giá hoàn thành / evaluations completed",
            "short",
            "Danh hiệu đã xét xong.",
        ),
        total(
            'notifications_dead_total{channel="WEBHOOK"}',
            "Webhook bỏ cuộc / webhook deliveries dead",
            "short",
            "Webhook không được nhận sau mọi lần thử lại: opsctl webhook-resend khi hệ thống tỉnh hoạt động trở lại.",
        ),
        panel(
            "Thông báo / notifications sent and failed per channel",
            [
                (f"sum by (channel) (rate(notifications_sent_total[{RATE}]))", "sent {{channel}}"),
                (f"sum by (channel) (rate(notifications_failed_total[{RATE}]))", "failed {{channel}}"),
            ],
            "ops",
            "Tin đã gửi và lần gửi thất bại theo kênh (EMAIL, SMS, IN_APP, WEBHOOK).",
        ),
    ]


def layout(rows):
    """Rows of panels, 8 columns wide each, three a line (stat panels six a line, shorter)."""
    panels, y, next_id = [], 0, 1
    for title, row_panels in rows:
        panels.append(
            {
                "type": "row",
                "title": title,
                "collapsed": False,
                "id": next_id,
                "panels": [],
                "gridPos": {"h": 1, "w": 24, "x": 0, "y": y},
            }
        )
        next_id += 1
        y += 1
        x, line_height = 0, 0
        for item in row_panels:
            w, h = (4, 5) if item["type"] == "stat" else (8, 8)
            if x + w > 24:
                x, y = 0, y + line_height
            item = {**item, "id": next_id, "gridPos": {"h": h, "w": w, "x": x, "y": y}}
            next_id += 1
            panels.append(item)
            x, line_height = x + w, max(line_height, h) if x else h
        y += line_height
    return panels


def dashboard():
    rows = [("Tổng quan nghiệp vụ / business overview", business_panels())]
    for service in SERVICES:
        items = []
        if service.http:
            items += red_panels(service.name, "http_requests_total", "http_request_duration_seconds", "route", "HTTP")
        if service.rpc:
            items += red_panels(service.name, "rpc_requests_total", "rpc_request_duration_seconds", "method", "RPC")
        if service.outbox:
            items += outbox_panels(service.name)
        if service.events:
            items += event_panels(service.name)
        rows.append((service.title, items))
    return {
        "uid": "khuyenhoc-platform",
        "title": "Khuyến học: nền tảng / platform",
        "description": "Generated by deploy/grafana/generate_dashboard.py: edit that, not this file.",
        "tags": ["khuyenhoc"],
        "timezone": "Asia/Ho_Chi_Minh",
        "editable": False,
        "graphTooltip": 1,
        "refresh": "30s",
        "schemaVersion": 39,
        "version": 1,
        "time": {"from": "now-6h", "to": "now"},
        "templating": {
            "list": [
                {
                    "name": "datasource",
                    "label": "Prometheus",
                    "type": "datasource",
                    "query": "prometheus",
                    "current": {"text": "Prometheus", "value": "prometheus"},
                    "hide": 0,
                }
            ]
        },
        "annotations": {"list": []},
        "links": [],
        "panels": layout(rows),
    }


def render():
    return json.dumps(dashboard(), indent=2, ensure_ascii=False) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="fail if the committed JSON differs")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        if not OUTPUT.is_file() or OUTPUT.read_text(encoding="utf-8") != text:
            print(f"{OUTPUT} is not up to date: run python {Path(__file__).name}", file=sys.stderr)
            return 1
        return 0
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUTPUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
