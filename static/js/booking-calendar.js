/* The availability week view (booking/availability.html; a static file: the Content-Security-Policy runs no
   inline script). Its settings come from the data-* attributes of #booking-calendar. FullCalendar has no named-time-zone support without a plugin, so every instant
   from the API is turned into Shanghai wall time here, and the calendar's own dates are read as wall time. */
(function () {
  "use strict";
  var element = document.getElementById("booking-calendar");
  if (!element || !window.FullCalendar) { return; }
  var dayList = document.getElementById("day-list-section");
  var wide = window.matchMedia("(min-width: 768px)");
  var wallClock = new Intl.DateTimeFormat("sv-SE", {
    timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit",
    hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23"
  });
  var calendar = null;
  // The slot grid of the loaded range (from the API): a selection must start on a slot boundary counted from the
  // start of its open period, end on one (or at the period's end), and start no earlier than the lead time allows.
  var grid = {periods: [], slotMs: 0, earliest: 0};

  function wall(value) { return wallClock.format(new Date(value)).replace(" ", "T"); }
  function inputValue(date) { return date.toISOString().slice(0, 16); }
  function fill(start, end) {
    var startInput = document.getElementById("id_starts_at");
    var endInput = document.getElementById("id_ends_at");
    if (!startInput || !endInput) { return false; }
    startInput.value = start;
    endInput.value = end;
    document.getElementById("booking-form").scrollIntoView({behavior: "smooth", block: "start"});
    var purpose = document.getElementById("id_purpose");
    if (purpose) { purpose.focus({preventScroll: true}); }
    return true;
  }
  function period(item) {
    return Array.isArray(item) ? {start: item[0], end: item[1]} : item;
  }
  // FullCalendar's dates are wall-clock times written as UTC instants (see above): compare like with like.
  function wallMs(value) { return Date.parse(wall(value) + "Z"); }
  function onGrid(info) {
    var start = info.start.getTime(), end = info.end.getTime();
    if (!grid.slotMs || start < grid.earliest) { return false; }
    return grid.periods.some(function (p) {
      return p.start <= start && end <= p.end && (start - p.start) % grid.slotMs === 0
        && ((end - p.start) % grid.slotMs === 0 || end === p.end);
    });
  }
  function load(info, success, failure) {
    var url = element.dataset.eventsUrl + "?start=" + encodeURIComponent(info.start.toISOString().slice(0, 19))
      + "&end=" + encodeURIComponent(info.end.toISOString().slice(0, 19));
    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) {
        if (!response.ok) { throw new Error(response.statusText); }
        return response.json();
      })
      .then(function (data) {
        grid = {
          periods: (data.periods || []).map(function (item) {
            item = period(item);
            return {start: wallMs(item.start), end: wallMs(item.end)};
          }),
          slotMs: (data.slot_minutes || 0) * 60000,
          earliest: data.earliest_start ? wallMs(data.earliest_start) : 0
        };
        var events = (data.open || []).map(function (item) {
          item = period(item);
          return {start: wall(item.start), end: wall(item.end), display: "background", groupId: "open", color: "#75b798"};
        });
        (data.busy || []).forEach(function (item) {
          events.push({
            start: wall(item.start), end: wall(item.end), title: item.label, groupId: "busy",
            color: item.mine ? "#0d6efd" : "#6c757d",
            url: item.booking_id ? element.dataset.detailUrl.replace("/0/", "/" + item.booking_id + "/") : undefined
          });
        });
        success(events);
      })
      .catch(failure);
  }
  function hideIconImages() {
    element.querySelectorAll(".fc-icon[role='img']").forEach(function (icon) {
      icon.setAttribute("aria-hidden", "true");
    });
  }
  function start() {
    if (calendar || !wide.matches) { return; }
    element.classList.replace("d-none", "d-md-block");
    dayList.classList.add("d-md-none");
    calendar = new FullCalendar.Calendar(element, {
      initialView: "timeGridWeek",
      initialDate: element.dataset.initialDate,
      locale: element.dataset.locale,
      timeZone: "Asia/Shanghai",
      now: function () { return wall(Date.now()); },
      firstDay: 1,
      headerToolbar: {left: "prev,next today", center: "title", right: "timeGridWeek,timeGridDay"},
      allDaySlot: false,
      nowIndicator: true,
      height: "auto",
      slotDuration: {minutes: Number(element.dataset.step) || Number(element.dataset.slot) || 30},
      snapDuration: {minutes: Number(element.dataset.step) || Number(element.dataset.slot) || 30},
      slotLabelInterval: {hours: 1},
      slotMinTime: element.dataset.from,
      slotMaxTime: element.dataset.to,
      selectable: element.dataset.selectable === "true",
      selectMirror: true,
      selectConstraint: "open",
      selectOverlap: function (event) { return event.groupId === "open"; },
      selectAllow: onGrid,
      select: function (info) { fill(inputValue(info.start), inputValue(info.end)); },
      events: load,
      // FullCalendar draws its arrows as role="img" without a text; the buttons are named by their titles
      // (“上周”, “下周”), so the icons are hidden from screen readers (axe: role-img-alt).
      datesSet: hideIconImages
    });
    calendar.render();
    hideIconImages();
  }

  // A free period's “choose” link fills the form in place instead of reloading the page.
  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-fill-start]");
    if (link && fill(link.dataset.fillStart, link.dataset.fillEnd)) { event.preventDefault(); }
  });
  wide.addEventListener("change", start);
  start();
}());
