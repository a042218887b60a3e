"""The flow as a graph: a box per step, arrows for ``next`` and choices, and the special
targets (@help, @menu, @workshop:LEVEL) as small coloured tags on the row below the step
that leads there. Steps are laid out in rows by their distance from the start (top to
bottom, the way a flow is read); a click on a box selects the step."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetrics,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPen,
    QPolygonF,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsPathItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
)

from kiosk.flows import SPECIAL_HELP, SPECIAL_MENU
from kiosk.flows.model import pick, targets_of
from kiosk.manager.editor_doc import FlowDoc, is_special, shown_kind

BOX_W, BOX_H = 236, 92
TAG_W, TAG_H = 190, 42
GAP_X, GAP_Y = 44, 76
INK = QColor("#1A1A1A")
BLUE = QColor("#0B3D91")
SPECIAL_COLOURS = {SPECIAL_HELP: ("#FFC800", "#1A1A1A"), SPECIAL_MENU: ("#5A6270", "#FFFFFF")}
WORKSHOP_COLOURS = ("#6B2FA3", "#FFFFFF")
STEP_ID = 1  # QGraphicsItem data key: the step id of a box


def _font(px: int, bold: bool = False) -> QFont:
    font = QFont("DejaVu Sans")
    font.setPixelSize(px)
    font.setBold(bold)
    return font


def _elide(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def layout(doc: FlowDoc) -> dict[str, tuple[int, int]]:
    """(layer, place) of every step: layer = distance from the start, places in the
    order the steps were reached; steps never reached go in a last layer."""
    ids = doc.step_ids()
    edges = {str(s.get("id")): [t for t in targets_of(s) if t in ids] for s in doc.steps}
    start = str(doc.data.get("start", ""))
    column: dict[str, int] = {}
    order: list[str] = []
    if start in edges:
        column[start] = 0
        order.append(start)
        todo = [start]
        while todo:
            here = todo.pop(0)
            for t in edges[here]:
                if t not in column:
                    column[t] = column[here] + 1
                    order.append(t)
                    todo.append(t)
    last = max(column.values(), default=-1) + 1
    for sid in ids:
        if sid not in column:
            column[sid] = last
            order.append(sid)
    rows: dict[int, int] = {}
    out: dict[str, tuple[int, int]] = {}
    for sid in order:
        c = column[sid]
        out[sid] = (c, rows.get(c, 0))
        rows[c] = rows.get(c, 0) + 1
    return out


class FlowGraph(QGraphicsView):
    """The steps and where they lead. ``stepClicked(id)`` when a box is clicked."""

    stepClicked = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.setScene(QGraphicsScene(self))
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        self.setBackgroundBrush(QColor("#F4F6FA"))
        self.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.boxes: dict[str, QGraphicsRectItem] = {}
        self.tags: list[tuple[str, str]] = []  # (step id, special target) drawn as tags
        self.arrows = 0
        self._back = 0  # back edges drawn so far (each runs a little further out)

    def show_flow(self, doc: FlowDoc, selected: str | None, language: str = "fr",
                  faulty: set[str] | None = None) -> None:
        """Draw the flow again, ``selected`` step highlighted, ``faulty`` ones in red."""
        scene = self.scene()
        scene.clear()
        self.boxes, self.tags, self.arrows, self._back = {}, [], 0, 0
        faulty = faulty or set()
        place = layout(doc)
        start = str(doc.data.get("start", ""))
        tag_x: dict[int, float] = {}
        per_layer: dict[int, int] = {}
        for c, r in place.values():
            per_layer[c] = max(per_layer.get(c, 0), r + 1)
        pos = {sid: QPointF(r * (BOX_W + GAP_X), c * (BOX_H + GAP_Y)) for sid, (c, r) in place.items()}
        for step in doc.steps:
            sid = str(step.get("id"))
            if sid in self.boxes:
                continue  # a duplicate id: the validator says so; draw it once
            self.boxes[sid] = self._box(step, pos[sid], language, sid == selected, sid == start,
                                        sid in faulty)
        # in reading order, so that the tags of a row line up with the boxes above them
        for step in sorted(doc.steps, key=lambda st: place.get(str(st.get("id")), (0, 0))):
            sid = str(step.get("id"))
            src = self.boxes.get(sid)
            if src is None:
                continue
            c = place[sid][0]
            targets = targets_of(step)
            # a choice's arrow says its label; a next arrow says nothing
            labels = ([pick(ch.get("label") or {}, language) for ch in step["choices"]
                       if isinstance(ch, dict)]
                      if shown_kind(step) == "choices" else [""] * len(targets))
            for k, target in enumerate(targets):
                text = labels[k] if k < len(labels) else ""
                if is_special(target):
                    x = max(tag_x.get(c + 1, 0.0), per_layer.get(c + 1, 0) * (BOX_W + GAP_X))
                    at = QPointF(x, (c + 1) * (BOX_H + GAP_Y) + (BOX_H - TAG_H) / 2)
                    tag_x[c + 1] = x + TAG_W + GAP_X / 2
                    end = self._tag(target, at)
                    self.tags.append((sid, target))
                    self._arrow(src.sceneBoundingRect(), end, text, (k, len(targets)), special=True)
                elif target in self.boxes:
                    self._arrow(src.sceneBoundingRect(), self.boxes[target].sceneBoundingRect(), text,
                                (k, len(targets)))
        scene.setSceneRect(scene.itemsBoundingRect().adjusted(-20, -20, 20, 20))
        self._fit()
        if selected in self.boxes:
            self.ensureVisible(self.boxes[selected], 40, 40)

    def _box(self, step: dict[str, Any], at: QPointF, language: str, selected: bool, start: bool,
             faulty: bool) -> QGraphicsRectItem:
        box = QGraphicsRectItem(QRectF(0, 0, BOX_W, BOX_H))
        box.setPos(at)
        border = QColor("#C0241C") if faulty else (QColor("#1E7B34") if start else BLUE)
        box.setPen(QPen(border, 5 if selected else 2.5))
        box.setBrush(QBrush(QColor("#CFE3FF") if selected else QColor("#FFFFFF")))
        box.setData(STEP_ID, str(step.get("id")))
        box.setCursor(Qt.CursorShape.PointingHandCursor)
        box.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable, False)
        title = QGraphicsSimpleTextItem(_elide(("▶ " if start else "") + str(step.get("id")), 19), box)
        title.setFont(_font(17, bold=True))
        title.setBrush(border if faulty else BLUE)
        title.setPos(10, 6)
        text = pick(step.get("text") or {}, language)
        body = QGraphicsSimpleTextItem(self._wrap(_elide(text, 50)), box)
        body.setFont(_font(15))
        body.setBrush(INK)
        body.setPos(10, 34)
        if shown_kind(step) == "end":
            end = QGraphicsRectItem(QRectF(BOX_W - 14, 0, 14, BOX_H), box)
            end.setBrush(QBrush(BLUE))
            end.setPen(QPen(Qt.PenStyle.NoPen))
        self.scene().addItem(box)
        return box

    @staticmethod
    def _wrap(text: str, width: int = 24) -> str:
        lines, line = [], ""
        for word in text.split():
            if line and len(line) + 1 + len(word) > width:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}".strip()
            if len(lines) == 2:
                break
        if line and len(lines) < 2:
            lines.append(line)
        return "\n".join(lines[:2])

    def _tag(self, target: str, at: QPointF) -> QRectF:
        bg, fg = SPECIAL_COLOURS.get(target, WORKSHOP_COLOURS)
        path = QPainterPath()
        path.addRoundedRect(QRectF(0, 0, TAG_W, TAG_H), TAG_H / 2, TAG_H / 2)
        tag = QGraphicsPathItem(path)
        tag.setPos(at)
        tag.setBrush(QBrush(QColor(bg)))
        tag.setPen(QPen(INK, 1.5, Qt.PenStyle.DashLine))
        tag.setData(STEP_ID, target)
        kind, _, level = target.partition(":")
        text = QGraphicsSimpleTextItem(f"{kind}\n{level}" if level else target, tag)
        font = _font(14 if level else 16, bold=True)
        metrics = QFontMetrics(font)
        text.setText("\n".join(metrics.elidedText(part, Qt.TextElideMode.ElideRight, TAG_W - 24)
                               for part in text.text().split("\n")))
        text.setFont(font)
        text.setBrush(QColor(fg))
        r = text.boundingRect()
        text.setPos((TAG_W - r.width()) / 2, (TAG_H - r.height()) / 2)
        self.scene().addItem(tag)
        return tag.sceneBoundingRect()

    def _arrow(self, a: QRectF, b: QRectF, text: str, slot: tuple[int, int], special: bool = False) -> None:
        k, n = slot
        forward = b.top() > a.bottom()
        beside = not forward and abs(a.center().y() - b.center().y()) < 1 and (b.right() < a.left()
                                                                                 or b.left() > a.right())
        if beside:  # same row: straight across, between the facing sides
            left = b.right() < a.left()
            p1 = QPointF(a.left() if left else a.right(), a.center().y())
            p2 = QPointF(b.right() if left else b.left(), b.center().y())
            c1, c2 = p1, p2
        elif forward:  # down to a later row: leave from the bottom, arrive on top
            p1 = QPointF(a.left() + a.width() * (k + 1) / (n + 1), a.bottom())
            p2 = QPointF(b.center().x(), b.top())
            dy = (p2.y() - p1.y()) / 2
            c1, c2 = QPointF(p1.x(), p1.y() + dy), QPointF(p2.x(), p2.y() - dy)
        else:  # back up to an earlier row: out to the left margin, up, in from above
            self._back += 1
            out = min(a.left(), b.left()) - 24 - 12 * (self._back % 6)
            over = b.top() - 14 - 5 * (self._back % 4)
            p1 = QPointF(a.left(), a.top() + a.height() * (k + 1) / (n + 1))
            p2 = QPointF(b.left() + b.width() * 0.18, b.top())
            c1 = c2 = p1
        path = QPainterPath(p1)
        back = not forward and not beside
        if back:  # square corners: it runs through the gaps between boxes
            for x, y in ((out, p1.y()), (out, over), (p2.x(), over)):
                path.lineTo(x, y)
            path.lineTo(p2)
        else:
            path.cubicTo(c1, c2, p2)
        line = QGraphicsPathItem(path)
        colour = QColor("#5A6270") if special else BLUE
        line.setPen(QPen(colour, 2, Qt.PenStyle.DashLine if special else Qt.PenStyle.SolidLine))
        line.setZValue(-1)
        self.scene().addItem(line)
        if forward or back:  # pointing down
            head = QPolygonF([p2, QPointF(p2.x() - 7, p2.y() - 13), QPointF(p2.x() + 7, p2.y() - 13)])
        else:  # sideways, into the box's side
            d = 13 if p2.x() <= path.pointAtPercent(0.9).x() else -13
            head = QPolygonF([p2, QPointF(p2.x() + d, p2.y() - 7), QPointF(p2.x() + d, p2.y() + 7)])
        self.scene().addPolygon(head, QPen(colour), QBrush(colour))
        if text:
            label = QGraphicsSimpleTextItem(_elide(text, 18))
            label.setFont(_font(14))
            label.setBrush(INK)
            r = label.boundingRect()
            if back:  # just left of where it leaves
                label.setPos(p1.x() - r.width() - 6, p1.y() - r.height() - 2)
            else:
                mid = path.pointAtPercent(0.72 if forward else 0.5)  # near its target: labels apart
                label.setPos(mid.x() - r.width() / 2, mid.y() - r.height() - 2)
            under = self.scene().addRect(QRectF(-3, -1, r.width() + 6, r.height() + 2),
                                         QPen(Qt.PenStyle.NoPen), QBrush(QColor(244, 246, 250, 230)))
            under.setPos(label.pos())
            self.scene().addItem(label)
        self.arrows += 1

    # -- view --------------------------------------------------------------------------
    def _fit(self) -> None:
        rect = self.scene().sceneRect()
        if rect.isEmpty():
            return
        view = self.viewport().rect()
        k = min(1.0, view.width() / rect.width(), view.height() / rect.height())
        k = max(k, 0.8)  # below this the words are too small to read: scroll instead
        self.resetTransform()
        self.scale(k, k)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        self._fit()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt API
        item = self.itemAt(event.position().toPoint())
        while item is not None and item.data(STEP_ID) is None:
            item = item.parentItem()
        if item is not None and str(item.data(STEP_ID)) in self.boxes:
            self.stepClicked.emit(str(item.data(STEP_ID)))
            return
        super().mousePressEvent(event)

    def box_point(self, step_id: str) -> QPoint:
        """Where a step's box is, in the viewport (to click it)."""
        self.ensureVisible(self.boxes[step_id], 10, 10)
        return self.mapFromScene(self.boxes[step_id].sceneBoundingRect().center())
