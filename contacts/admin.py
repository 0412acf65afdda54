"""Departments, their sections and contact people, kept by each district's administrators (see measures.admin)."""

from django.contrib import admin
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from measures.admin import LibraryAdmin, LibraryInline

from .models import ContactPerson, Department, Section


class SectionInline(LibraryInline, admin.TabularInline):
    model = Section
    extra = 0


class ContactPersonInline(LibraryInline, admin.TabularInline):
    model = ContactPerson
    fields = ["name", "section", "office_phone", "mobile", "email", "topic"]
    extra = 0
    district_choices = {"section": "department__district__"}


@admin.register(Department)
class DepartmentAdmin(LibraryAdmin):
    list_display = ["name", "district", "kind", "full_name"]
    list_filter = ["district", "kind"]
    search_fields = ["name", "full_name", "aliases", "district__name"]
    list_select_related = ["district"]
    inlines = [SectionInline, ContactPersonInline]
    district_choices = {"district": ""}
    loaded_fields = ["full_name", "kind", "aliases"]
    # The name is how the data files (and the documents) name the department: renamed here, the next load would
    # create the department again under its old name and give it back its measures.
    document_words = ["name", "district"]
    reload_note = _("本部门来自数据文件的联系人，其科室、电话和电子邮箱也会恢复为数据文件中的内容。")

    def from_data_files(self, obj) -> bool:
        return Department.objects.filter(
            Q(people__source_file__gt="")
            | Q(led_measures__source_line_start__isnull=False)
            | Q(responsible_for_measures__source_line_start__isnull=False),
            pk=obj.pk,
        ).exists()


@admin.register(Section)
class SectionAdmin(LibraryAdmin):
    list_display = ["name", "department"]
    list_filter = ["department__district"]
    search_fields = ["name", "department__name"]
    list_select_related = ["department__district"]
    maintainer_deletes = True
    district_path = "department__district__"
    district_choices = {"department": "district__"}


@admin.register(ContactPerson)
class ContactPersonAdmin(LibraryAdmin):
    list_display = ["name", "department", "section", "office_phone", "mobile", "topic"]
    list_filter = ["department__district", "department__kind"]
    search_fields = ["name", "office_phone", "mobile", "phone_digits", "email", "topic", "department__name"]
    list_select_related = ["department__district", "section"]
    autocomplete_fields = ["department", "section"]
    maintainer_deletes = True
    district_path = "department__district__"
    district_choices = {"department": "district__", "section": "department__district__"}
    loaded_fields = ["section", "office_phone", "mobile", "service_phone", "other_phones", "email"]
    staff_readonly = ["source_file", "source_line_start", "source_line_end"]
    reload_note = _(
        "联系人姓名和负责事项是数据文件识别联系人的依据：改动后再次导入，会按数据文件重新建立原联系人，"
        "政策措施的联系人也会改回原联系人。"
    )

    def from_data_files(self, obj) -> bool:
        return bool(obj.source_file)
