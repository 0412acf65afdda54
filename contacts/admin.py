from django.contrib import admin

from .models import ContactPerson, Department, Section


class SectionInline(admin.TabularInline):
    model = Section
    extra = 0


class ContactPersonInline(admin.TabularInline):
    model = ContactPerson
    fields = ["name", "section", "office_phone", "mobile", "email", "topic"]
    extra = 0


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "district", "kind", "full_name"]
    list_filter = ["district", "kind"]
    search_fields = ["name", "full_name", "aliases", "district__name"]
    list_select_related = ["district"]
    inlines = [SectionInline, ContactPersonInline]


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "department"]
    list_filter = ["department__district"]
    search_fields = ["name", "department__name"]
    list_select_related = ["department__district"]


@admin.register(ContactPerson)
class ContactPersonAdmin(admin.ModelAdmin):
    list_display = ["name", "department", "section", "office_phone", "mobile", "topic"]
    list_filter = ["department__district", "department__kind"]
    search_fields = ["name", "office_phone", "mobile", "phone_digits", "email", "topic", "department__name"]
    list_select_related = ["department__district", "section"]
    autocomplete_fields = ["department", "section"]
