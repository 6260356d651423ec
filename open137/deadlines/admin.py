from django.contrib import admin

from open137.deadlines.models import Holiday, WorkingDay
from open137.directory.admin import RoutingConfigAdmin

# The calendar is configuration like the districts: its changes move the configuration
# version, so every process's deadlines see them.
CalendarAdmin = RoutingConfigAdmin


@admin.register(Holiday)
class HolidayAdmin(CalendarAdmin):
    list_display = ["date", "name_fa", "name_en", "estimated"]
    list_filter = ["date", "estimated"]
    list_editable = ["estimated"]
    search_fields = ["name_fa", "name_en"]


@admin.register(WorkingDay)
class WorkingDayAdmin(CalendarAdmin):
    list_display = ["weekday", "opens", "closes"]
    list_editable = ["opens", "closes"]
