"""Analysis and evaluation (Anev): aggregations over training, simulator and certificate data.

Every query function takes a database session and a :class:`~isdc.analytics.scope.Scope`
(period, site, course, organisation, instructor) and returns frozen dataclasses; the counting
happens in SQL (GROUP BY, window functions) so a page costs a fixed number of queries whatever
the number of trainees or runs. Pictures of the results are drawn by :mod:`isdc.analytics.charts`.
"""
