from django import template

from crossline.reference.selectors import format_share

register = template.Library()
register.filter("share", format_share)
