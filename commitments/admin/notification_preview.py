"""What followers will be told, shown to staff before they save a progress entry.

The milestone and indicator change pages get a second button, "Preview the notification", which
sends the same form to a page of its own (in a new tab, so the form stays as typed): it checks
the new entries of the table under the form, and the entry a change typed in the object's own
progress fields would record, as saving would, and shows, for each, the e-mail's text in Arabic
and in French and how many addresses would receive it. Nothing is saved."""

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import translation
from django.utils.translation import gettext

from ..follows.fanout import audience_counts
from ..follows.mail import notification_preview
from ..models import FollowEvent


def followers_told(commitment) -> dict[str, int]:
    """Addresses that would hear of a progress entry on `commitment` (through it, its plan or
    its council), at once and in the weekly digest, as the fan-out would choose them."""
    event = FollowEvent(
        kind=FollowEvent.Kind.MILESTONE_UPDATE,
        council_id=commitment.plan.council_id,
        plan_id=commitment.plan_id,
        commitment=commitment,
    )
    return audience_counts(event)


class NotificationPreviewMixin:
    """For MilestoneAdmin and IndicatorAdmin: `preview_facts(obj, cleaned_data)` gives the
    notification kind and facts of one new entry; `own_entry_facts(obj, form)` those of the
    entry that saving the object's own form would record (None when it records none)."""

    change_form_template = "admin/commitments/progress_change_form.html"

    def preview_facts(self, obj, data: dict) -> tuple[str, dict]:
        raise NotImplementedError

    def own_entry_facts(self, obj, form) -> tuple[str, dict] | None:
        raise NotImplementedError

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/notification-preview/",
                self.admin_site.admin_view(self.notification_preview_view),
                name="{}_{}_notification_preview".format(*info),
            ),
            *super().get_urls(),
        ]

    def notification_preview_view(self, request, object_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404(gettext("No such object."))
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        change_url = reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk]
        )
        if request.method != "POST":
            return HttpResponseRedirect(change_url)
        previews, problems = [], []

        def show(kind: str, facts: dict) -> None:
            texts = []
            for code, name in (("ar", "العربية"), ("fr", "Français")):
                with translation.override(code):
                    subject, text = notification_preview(kind, **facts)
                texts.append({"code": code, "name": name, "subject": subject, "text": text})
            previews.append(texts)

        def refused(form) -> None:
            for name, messages in form.errors.items():
                label = form.fields[name].label if name in form.fields else ""
                problems.extend(f"{label}: {m}" if label else m for m in messages)

        # The object's own form, on a fresh copy: validating it must not touch `obj`.
        own = self.get_form(request, obj, change=True)(
            request.POST, request.FILES, instance=self.get_object(request, unquote(object_id))
        )
        if not any(name in request.POST for name in own.fields):
            pass  # only the table was sent (a client other than the change page)
        elif own.is_valid():
            entry = self.own_entry_facts(obj, own)
            if entry is not None:
                show(*entry)
        else:
            refused(own)
        for inline in self.get_inline_instances(request, obj):
            formset_class = inline.get_formset(request, obj)
            formset = formset_class(
                request.POST,
                request.FILES,
                instance=obj,
                prefix=formset_class.get_default_prefix(),
            )
            if not formset.management_form.is_valid():
                continue
            for form in formset.extra_forms:
                if not form.has_changed():
                    continue
                if not form.is_valid():
                    refused(form)
                    continue
                show(*self.preview_facts(obj, form.cleaned_data))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": obj,
            "change_url": change_url,
            "title": gettext("What followers will be told"),
            "previews": previews,
            "problems": problems,
            "told": followers_told(obj.commitment),
        }
        return TemplateResponse(request, "admin/commitments/notification_preview.html", context)


def milestone_facts(milestone, data: dict) -> tuple[str, dict]:
    return FollowEvent.Kind.MILESTONE_UPDATE, {
        "commitment": milestone.commitment,
        "milestone": milestone,
        "status": data["status"],
        "completed_on": data.get("completed_on"),
        "note_ar": data.get("note_ar") or "",
        "note_fr": data.get("note_fr") or "",
    }


def milestone_own_entry(milestone, form) -> tuple[str, dict] | None:
    """As MilestoneAdmin.save_model: a change of status, completion date or evidence link typed
    on the milestone itself is kept as a dated entry (with the evidence text as its note)."""
    if not {"status", "completed_on", "evidence_url"} & set(form.changed_data):
        return None
    data = form.cleaned_data
    return milestone_facts(
        milestone,
        {
            "status": data.get("status", milestone.status),
            "completed_on": data.get("completed_on", milestone.completed_on),
            "note_ar": data.get("evidence_ar", milestone.evidence_ar) or "",
            "note_fr": data.get("evidence_fr", milestone.evidence_fr) or "",
        },
    )


def indicator_own_entry(indicator, form) -> tuple[str, dict] | None:
    """As IndicatorAdmin.save_model: a value and its date typed on the indicator itself."""
    if not {"latest_value", "latest_value_on"} & set(form.changed_data):
        return None
    value = form.cleaned_data.get("latest_value", indicator.latest_value)
    measured_on = form.cleaned_data.get("latest_value_on", indicator.latest_value_on)
    if value is None or not measured_on:
        return None
    return indicator_facts(indicator, {"value": value, "measured_on": measured_on})


def indicator_facts(indicator, data: dict) -> tuple[str, dict]:
    return FollowEvent.Kind.INDICATOR_VALUE, {
        "commitment": indicator.commitment,
        "indicator": indicator,
        "value": str(data["value"]),
        "measured_on": data["measured_on"],
    }
