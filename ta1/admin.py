from django.contrib import admin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

# django-otp's device pages would show staff members' TOTP keys and backup
# codes to every superuser. Enrolment has its own page (ta1.second_factor)
# and a lost device is reset with `manage.py reset_second_factor`.
admin.site.unregister([TOTPDevice, StaticDevice])
