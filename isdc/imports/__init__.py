"""CSV in and out: trainee lists and enrolment lists from companies and schools (preview, then
all-or-nothing import), exports that Excel opens. No Flask here."""
