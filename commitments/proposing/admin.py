"""The moderators' actions on the proposals list (consultations' ProposalAdmin, extended by
commitments/admin/proposals.py): publish, hide with a reason, merge duplicates, attach to a
working group's theme. Each needs the moderate_proposal permission (moderators and
coordinators); the selection is the changelist's, so already limited to the user's councils,
and a proposal chosen by its number is looked up in that same scope."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext, gettext_lazy as _, ngettext

from consultations.models import Proposal, Theme

from . import moderation


class HideForm(forms.Form):
    reason = forms.CharField(
        label=_("Why are these proposals hidden?"),
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
        max_length=500,
        help_text=_("Kept with the proposal and e-mailed to its author."),
    )


class MergeForm(forms.Form):
    kept = forms.ModelChoiceField(
        label=_("Proposal kept"),
        queryset=Proposal.objects.none(),
        widget=forms.RadioSelect,
        required=False,
        help_text=_("The others are merged into it: their supports and followers go there."),
    )
    kept_number = forms.IntegerField(
        label=_("Or the number of another proposal of the same plan"),
        min_value=1,
        required=False,
    )

    def __init__(self, *args, selected, scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kept"].queryset = selected
        self.scope = scope

    def clean(self):
        cleaned = super().clean()
        kept, number = cleaned.get("kept"), cleaned.get("kept_number")
        if (kept is None) == (number is None):
            raise ValidationError(
                gettext("Choose the proposal kept, among those selected or by its number.")
            )
        if number is not None:
            kept = self.scope.filter(pk=number).first()
            if kept is None:
                self.add_error(
                    "kept_number", gettext("No proposal with this number is yours to work on.")
                )
        cleaned["kept"] = kept
        return cleaned


class ThemeForm(forms.Form):
    theme = forms.ModelChoiceField(
        label=_("Theme of a working group"), queryset=Theme.objects.none()
    )

    def __init__(self, *args, themes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].queryset = themes


class ProposalModerationAdminMixin:
    moderation_actions = ["publish_proposals", "hide_proposals", "merge_duplicates", "set_theme"]

    def has_moderate_proposal_permission(self, request):
        return request.user.has_perm("consultations.moderate_proposal")

    def _page(self, request, queryset, *, action, title, intro, form, button):
        return render(
            request,
            "admin/consultations/proposal/moderation_action.html",
            {
                **self.admin_site.each_context(request),
                "title": title,
                "intro": intro,
                "opts": self.model._meta,
                "proposals": queryset,
                "form": form,
                "action": action,
                "button": button,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )

    def _each(self, request, queryset, write, done_message) -> None:
        """Run `write(proposal)` on each selected proposal; a refusal is reported, not fatal."""
        done = 0
        for proposal in queryset:
            try:
                write(proposal)
            except ValidationError as error:
                self.message_user(
                    request, f"“{proposal}”: {' '.join(error.messages)}", level=messages.WARNING
                )
            else:
                done += 1
        if done:
            self.message_user(request, done_message(done), level=messages.SUCCESS)

    @admin.action(
        description=_("Publish the selected proposals"), permissions=["moderate_proposal"]
    )
    def publish_proposals(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda p: moderation.proposal_publish(proposal=p, by=request.user),
            lambda n: (
                ngettext("%(count)d proposal published.", "%(count)d proposals published.", n)
                % {"count": n}
            ),
        )

    @admin.action(
        description=_("Hide the selected proposals (with a reason)"),
        permissions=["moderate_proposal"],
    )
    def hide_proposals(self, request, queryset):
        form = HideForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            reason = form.cleaned_data["reason"]
            self._each(
                request,
                queryset,
                lambda p: moderation.proposal_hide(proposal=p, reason=reason, by=request.user),
                lambda n: (
                    ngettext("%(count)d proposal hidden.", "%(count)d proposals hidden.", n)
                    % {"count": n}
                ),
            )
            return HttpResponseRedirect(request.get_full_path())
        return self._page(
            request,
            queryset,
            action="hide_proposals",
            title=gettext("Hide proposals"),
            intro=gettext("These proposals will no longer be shown on the portal:"),
            form=form,
            button=gettext("Hide"),
        )

    @admin.action(description=_("Merge duplicates"), permissions=["moderate_proposal"])
    def merge_duplicates(self, request, queryset):
        plans = set(queryset.values_list("plan_id", flat=True))
        if len(plans) > 1 or None in plans:
            self.message_user(
                request,
                gettext("Select proposals of one action plan to merge them."),
                level=messages.ERROR,
            )
            return None
        scope = self.get_queryset(request).filter(plan_id__in=plans)
        form = MergeForm(
            request.POST if "apply" in request.POST else None,
            selected=queryset,
            scope=scope,
        )
        if "apply" in request.POST and form.is_valid():
            kept = form.cleaned_data["kept"]
            duplicates = queryset.exclude(pk=kept.pk)
            if not duplicates:
                self.message_user(
                    request,
                    gettext("Select the duplicates as well as the proposal kept."),
                    level=messages.ERROR,
                )
                return HttpResponseRedirect(request.get_full_path())
            self._each(
                request,
                duplicates,
                lambda p: moderation.proposal_merge(duplicate=p, kept=kept, by=request.user),
                lambda n: (
                    ngettext(
                        "%(count)d proposal merged into “%(kept)s”.",
                        "%(count)d proposals merged into “%(kept)s”.",
                        n,
                    )
                    % {"count": n, "kept": kept}
                ),
            )
            return HttpResponseRedirect(request.get_full_path())
        return self._page(
            request,
            queryset,
            action="merge_duplicates",
            title=gettext("Merge duplicate proposals"),
            intro=gettext(
                "Keep one proposal; the others point to it publicly, and their supports and "
                "followers go to it. Selected:"
            ),
            form=form,
            button=gettext("Merge"),
        )

    @admin.action(
        description=_("Attach to a working group's theme"), permissions=["moderate_proposal"]
    )
    def set_theme(self, request, queryset):
        online = queryset.filter(workshop__isnull=True)
        plans = set(online.values_list("plan_id", flat=True))
        if len(plans) != 1:
            self.message_user(
                request,
                gettext("Select proposals sent online to one action plan."),
                level=messages.ERROR,
            )
            return None
        first = online.first()
        form = ThemeForm(
            request.POST if "apply" in request.POST else None,
            themes=moderation.proposal_themes(first),
        )
        if "apply" in request.POST and form.is_valid():
            theme = form.cleaned_data["theme"]
            self._each(
                request,
                online,
                lambda p: moderation.proposal_set_theme(proposal=p, theme=theme, by=request.user),
                lambda n: (
                    ngettext(
                        "%(count)d proposal attached to the theme “%(theme)s”.",
                        "%(count)d proposals attached to the theme “%(theme)s”.",
                        n,
                    )
                    % {"count": n, "theme": theme}
                ),
            )
            return HttpResponseRedirect(request.get_full_path())
        return self._page(
            request,
            online,
            action="set_theme",
            title=gettext("Attach proposals to a working group's theme"),
            intro=gettext(
                "They stay proposals sent online, read with the proposals of the working group "
                "on this theme:"
            ),
            form=form,
            button=gettext("Attach"),
        )
